import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { normalizeAlipayNotification, parseAlipayForm, verifyAlipaySignature } from "@/lib/core/channels/alipay";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import type { NormalizedNotification } from "@/lib/core/channels/types";
import type { Db } from "@/lib/db/client";
import { appendAuditEvents } from "@/lib/db/queries/audit";
import { channelAccounts, payments, rejectedNotifications, webhookEvents } from "@/lib/db/schema";
import { dispatchPaymentRecorded } from "@/lib/jobs/dispatch";
import { logger } from "@/lib/log";
import { loadChannelAccount, type AlipayCredentials } from "@/lib/services/channel-accounts";
import { recordPayment } from "@/lib/services/payments";
import { recordRefund } from "@/lib/services/refunds";

export type NotifyOutcome =
  | { kind: "processed"; paymentId: string | null }
  | { kind: "duplicate" }
  | { kind: "ignored"; reason: string }
  | { kind: "rejected"; status: 400 | 401 | 404; reason: string };

interface ReceiveParams {
  channelAccountId: string;
  rawBody: string;
  headers: Record<string, string>;
  now?: Date;
}

async function reject(db: Db, account: { id: string; merchantId: string }, rawBody: string, reason: string) {
  logger.warn({ channelAccountId: account.id, reason }, "alipay notify rejected");
  await db.insert(rejectedNotifications).values({
    merchantId: account.merchantId,
    channelAccountId: account.id,
    reason,
    bodySha256: crypto.createHash("sha256").update(rawBody).digest("hex"),
  });
}

/**
 * Verifies an Alipay async notify (RSA2) and records what it reports, exactly once:
 * the webhook event, the payment (deduped on trade_no) and any refund commit together.
 */
export async function receiveAlipayNotify(db: Db, params: ReceiveParams): Promise<NotifyOutcome> {
  const now = params.now ?? new Date();
  const found = await loadChannelAccount<AlipayCredentials>(db, params.channelAccountId);
  if (!found || found.account.channel !== "alipay" || found.account.disabledAt) {
    return { kind: "rejected", status: 404, reason: "unknown channel account" };
  }
  const { account, credentials } = found;
  let form: Record<string, string>;
  try {
    form = parseAlipayForm(params.rawBody);
  } catch (err) {
    const reason = err instanceof NotificationFormatError ? err.message : "unreadable body";
    await reject(db, account, params.rawBody, `malformed: ${reason}`);
    return { kind: "rejected", status: 400, reason };
  }
  if (!(await verifyAlipaySignature(form, credentials.alipayPublicKey))) {
    await reject(db, account, params.rawBody, "bad signature");
    return { kind: "rejected", status: 401, reason: "bad signature" };
  }
  // Alipay's own checks after verifying: the notify must be for our app (and seller, when configured).
  if (form.app_id !== credentials.appId || (credentials.sellerId && form.seller_id !== credentials.sellerId)) {
    await reject(db, account, params.rawBody, "app_id/seller_id mismatch");
    return { kind: "rejected", status: 401, reason: "notify is for another app or seller" };
  }
  let note: NormalizedNotification;
  try {
    note = normalizeAlipayNotification(form);
  } catch (err) {
    const reason = err instanceof NotificationFormatError ? err.message : "invalid notify";
    await reject(db, account, params.rawBody, `invalid: ${reason}`);
    return { kind: "rejected", status: 400, reason };
  }
  const outcome = await db.transaction(async (tx) => {
    const [event] = await tx
      .insert(webhookEvents)
      .values({
        merchantId: account.merchantId,
        channelAccountId: account.id,
        channel: "alipay",
        eventKey: note.eventKey,
        rawBody: params.rawBody,
        headers: params.headers,
        outcome: note.ignoredReason ? `ignored: ${note.ignoredReason}` : "processed",
        receivedAt: now,
      })
      .onConflictDoNothing({ target: [webhookEvents.channelAccountId, webhookEvents.eventKey] })
      .returning({ id: webhookEvents.id });
    if (!event) return { kind: "duplicate" } as const;
    await tx.update(channelAccounts).set({ lastNotifiedAt: now }).where(eq(channelAccounts.id, account.id));
    if (!note.payment) return { kind: "ignored", reason: note.ignoredReason ?? "nothing to record" } as const;
    const recorded = await recordPayment(tx, {
      merchantId: account.merchantId,
      channelAccountId: account.id,
      origin: "notify",
      event: note.payment,
    });
    const audit = [...recorded.audit];
    if (note.refund) {
      const [locked] = await tx.select().from(payments).where(eq(payments.id, recorded.payment.id)).for("update");
      const refund = await recordRefund(tx, { payment: locked, event: note.refund, now });
      audit.push(...refund.audit);
      if (refund.kind === "refused") logger.warn({ paymentId: locked.id, reason: refund.reason }, "refund refused");
    }
    await appendAuditEvents(tx, account.merchantId, { type: "channel", id: account.id }, audit);
    return { kind: "processed", paymentId: recorded.payment.id } as const;
  });
  if (outcome.kind === "processed" && outcome.paymentId) await dispatchPaymentRecorded(outcome.paymentId);
  return outcome;
}
