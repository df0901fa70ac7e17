import crypto from "node:crypto";
import { encryptSecret } from "@/lib/crypto/secrets";
import { and, eq } from "drizzle-orm";
import type { ChannelReply } from "@/lib/core/channels/adapter";
import { adapterFor } from "@/lib/core/channels/registry";
import type { Db } from "@/lib/db/client";
import { insertUnchainedAuditEvents, linkAuditChain } from "@/lib/db/queries/audit";
import { payments, rejectedNotifications, webhookEvents } from "@/lib/db/schema";
import { dispatchPaymentRecorded } from "@/lib/jobs/dispatch";
import { logger } from "@/lib/log";
import { loadChannelAccount, stampLastNotified } from "@/lib/services/channel-accounts";
import { matchExactOnRecording } from "@/lib/services/match-payment";
import { recordPayment } from "@/lib/services/payments";
import { recordRefund } from "@/lib/services/refunds";

export type NotifyOutcome =
  | { kind: "processed"; paymentId: string | null }
  | { kind: "duplicate" }
  | { kind: "ignored"; reason: string }
  | { kind: "rejected"; status: 400 | 401 | 404; reason: string };

/** A refund for a payment not recorded yet: the notification is refused so the channel retries it. */
export class RefundBeforePaymentError extends Error {
  constructor(channelTransactionId: string) {
    super(`refund for unknown payment ${channelTransactionId}; the channel will retry`);
    this.name = "RefundBeforePaymentError";
  }
}

export interface ReceiveParams {
  channel: string;
  channelAccountId: string;
  rawBody: string;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  now?: Date;
}

/** Headers worth keeping with the raw body for audit and replay (never cookies or auth). */
function keptHeaders(headers: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => /^(content-type|user-agent|wechatpay-|stripe-|paypal-|x-|byte-|msg-id)/i.test(k)),
  );
}

/**
 * Verifies a channel notification and records what it reports, exactly once: the webhook event,
 * the payment (deduped on the channel's transaction id) and any refund commit together, with their
 * audit events (unlinked: notifies do not queue on the merchant's chain lock; they are linked right
 * after commit). A payment its reference settles is matched in the same transaction; any other
 * follows through the job dispatcher. Returns the outcome and the reply the channel expects.
 */
export async function receiveNotification(db: Db, params: ReceiveParams): Promise<{ outcome: NotifyOutcome; reply: ChannelReply }> {
  const now = params.now ?? new Date();
  const adapter = adapterFor(params.channel);
  const notFound = { kind: "rejected", status: 404, reason: "unknown channel account" } as const;
  if (!adapter) return { outcome: notFound, reply: { status: 404, body: "not found", contentType: "text/plain" } };
  const found = await loadChannelAccount<Record<string, string>>(db, params.channelAccountId);
  if (!found || found.account.channel !== params.channel || found.account.disabledAt) {
    return { outcome: notFound, reply: adapter.reject(404) };
  }
  const { account, credentials } = found;
  const verified = await adapter.receive({ rawBody: params.rawBody, headers: params.headers, credentials, now });
  if (verified.kind === "rejected") {
    logger.warn({ channel: params.channel, channelAccountId: account.id, reason: verified.reason }, "notification rejected");
    await db.insert(rejectedNotifications).values({
      merchantId: account.merchantId,
      channelAccountId: account.id,
      reason: verified.reason,
      bodySha256: crypto.createHash("sha256").update(params.rawBody).digest("hex"),
      receivedAt: now,
    });
    return { outcome: verified, reply: adapter.reject(verified.status) };
  }
  const note = verified.notification;
  let matchedInline = false;
  const outcome: NotifyOutcome = await db.transaction(async (tx) => {
    const [event] = await tx
      .insert(webhookEvents)
      .values({
        merchantId: account.merchantId,
        channelAccountId: account.id,
        channel: account.channel,
        eventKey: note.eventKey,
        // The body as received, for evidence and replay; sealed like payer accounts: it holds the payer's ids.
        rawBody: encryptSecret(params.rawBody),
        headers: keptHeaders(params.headers),
        outcome: note.ignoredReason ? `ignored: ${note.ignoredReason}` : "processed",
        receivedAt: now,
      })
      .onConflictDoNothing({ target: [webhookEvents.channelAccountId, webhookEvents.eventKey] })
      .returning({ id: webhookEvents.id });
    if (!event) return { kind: "duplicate" };
    if (!note.payment && note.refund) {
      // Refund-only notifications (Douyin, UnionPay, PayPal) point at a payment we must already have.
      const [locked] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.channelAccountId, account.id), eq(payments.dedupeKey, note.refund.channelTransactionId)))
        .for("update");
      // Rolling back (webhook event included) makes the channel retry until the payment has arrived.
      if (!locked) throw new RefundBeforePaymentError(note.refund.channelTransactionId);
      const refund = await recordRefund(tx, { payment: locked, event: note.refund, now });
      if (refund.kind === "refused") logger.warn({ paymentId: locked.id, reason: refund.reason }, "refund refused");
      await insertUnchainedAuditEvents(tx, account.merchantId, { type: "channel", id: account.id }, refund.audit);
      return { kind: "processed", paymentId: locked.id };
    }
    if (!note.payment) return { kind: "ignored", reason: note.ignoredReason ?? "nothing to record" };
    const recorded = await recordPayment(tx, {
      merchantId: account.merchantId,
      channelAccountId: account.id,
      origin: "notify",
      event: note.payment,
    });
    const audit = [...recorded.audit];
    // A new payment its reference settles is matched here, in this transaction: one commit, one audit insert.
    const exact = recorded.created && !note.refund ? await matchExactOnRecording(tx, recorded.payment, now) : null;
    if (exact) {
      audit.push(...exact);
      matchedInline = true;
    }
    if (note.refund) {
      const [locked] = await tx.select().from(payments).where(eq(payments.id, recorded.payment.id)).for("update");
      const refund = await recordRefund(tx, { payment: locked, event: note.refund, now });
      audit.push(...refund.audit);
      if (refund.kind === "refused") logger.warn({ paymentId: locked.id, reason: refund.reason }, "refund refused");
    }
    await insertUnchainedAuditEvents(tx, account.merchantId, { type: "channel", id: account.id }, audit);
    return { kind: "processed", paymentId: recorded.payment.id };
  });
  // After commit, side by side: the stamp, linking this notify's audit events into the merchant's
  // chain (before the ack, so an acknowledged notify is tamper-evident), and matching unless done above.
  await Promise.all([
    outcome.kind !== "duplicate" ? stampLastNotified(db, account.id, now) : null,
    outcome.kind === "processed" ? linkAuditChain(db, account.merchantId) : null,
    outcome.kind === "processed" && outcome.paymentId && !matchedInline ? dispatchPaymentRecorded(outcome.paymentId) : null,
  ]);
  return { outcome, reply: adapter.ack() };
}
