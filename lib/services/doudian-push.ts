import crypto from "node:crypto";
import { encryptSecret } from "@/lib/crypto/secrets";
import { DoudianPushFormatError, parseDoudianPush, verifyDoudianSignature, type DoudianEvent } from "@/lib/core/orders/doudian-push";
import type { Db } from "@/lib/db/client";
import { appendAuditEvents } from "@/lib/db/queries/audit";
import { rejectedNotifications, webhookEvents, type ChannelAccount } from "@/lib/db/schema";
import { ApiError, badRequest, notFound } from "@/lib/http/errors";
import { logger } from "@/lib/log";
import { loadChannelAccount, stampLastNotified } from "@/lib/services/channel-accounts";
import { insertPlatformOrders, rematchAfterNewOrders, type PlatformOrderInput } from "@/lib/services/order-import";

/** The acknowledgement 抖店 expects; anything else is retried. */
export const DOUDIAN_ACK = { code: 0, msg: "success" } as const;

export interface DoudianPushParams {
  channelAccountId: string;
  rawBody: string;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  now?: Date;
}

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

async function reject(db: Db, account: ChannelAccount, rawBody: string, now: Date, error: ApiError): Promise<never> {
  logger.warn({ channel: "doudian", channelAccountId: account.id, reason: error.message }, "doudian push rejected");
  await db.insert(rejectedNotifications).values({
    merchantId: account.merchantId,
    channelAccountId: account.id,
    reason: error.message,
    bodySha256: sha256(rawBody),
    receivedAt: now,
  });
  throw error;
}

const toOrder = (e: Extract<DoudianEvent, { kind: "order_paid" }>): PlatformOrderInput => ({
  platformOrderId: e.platformOrderId,
  amount: e.amount,
  paidAmount: e.amount,
  discountAmount: null,
  platformStatus: "paid",
  closed: false,
  buyer: null,
  title: null,
  createdAt: null,
  paidAt: e.paidAt,
  provenance: { pushedMsgId: e.msgId, shopId: e.shopId, subOrderIds: e.subOrderIds, payType: e.payType },
});

type Ignored = Extract<DoudianEvent, { kind: "ignored" }>;

/** What the push did, kept on its webhook event: the orders it named, and each message left out as unreadable, with why. */
function outcomeOf(paid: Extract<DoudianEvent, { kind: "order_paid" }>[], invalid: Ignored[]): string {
  const parts = paid.length ? [`orders: ${paid.map((e) => e.platformOrderId).join(",")}`] : ["ignored: no paid order in the push"];
  for (const e of invalid) parts.push(`ignored message${e.msgId ? ` ${e.msgId}` : ""}${e.tag ? ` (tag ${e.tag})` : ""}: ${e.reason}`);
  return parts.join("; ");
}

/**
 * Receives a 抖店 message push on a `doudian` channel account: verifies `X-Douyin-Signature`, records the push once per
 * `Msg-Id` (webhook_events), and creates paid orders through the same path as the order-export import, so a pushed
 * and an imported order are one row. A message it cannot read is left out (said in the event's outcome) and the rest
 * are recorded. Throws ApiError for refusals (a rejected_notifications row is kept).
 */
export async function receiveDoudianPush(db: Db, params: DoudianPushParams) {
  const now = params.now ?? new Date();
  const found = await loadChannelAccount<{ appKey: string; appSecret: string }>(db, params.channelAccountId);
  if (!found || found.account.channel !== "doudian" || found.account.disabledAt) throw notFound("Channel account");
  const { account, credentials } = found;
  if (!(await verifyDoudianSignature(credentials.appSecret, params.rawBody, params.headers["x-douyin-signature"]))) {
    return reject(db, account, params.rawBody, now, new ApiError(401, "invalid_signature", "X-Douyin-Signature is missing or does not match"));
  }
  let events: DoudianEvent[];
  try {
    events = parseDoudianPush(params.rawBody);
  } catch (err) {
    if (!(err instanceof DoudianPushFormatError)) throw err;
    return reject(db, account, params.rawBody, now, badRequest(err.message, "invalid_push"));
  }
  const paid = events.filter((e) => e.kind === "order_paid");
  const invalid = events.filter((e): e is Ignored => e.kind === "ignored" && e.invalid === true);
  if (invalid.length > 0) {
    logger.warn({ channel: "doudian", channelAccountId: account.id, reasons: invalid.map((e) => e.reason) }, "doudian push messages ignored: not readable");
  }
  // Msg-Id is the documented dedupe key; without it an identical body is still the same delivery.
  const eventKey = params.headers["msg-id"] ? `msg:${params.headers["msg-id"]}` : `body:${sha256(params.rawBody)}`;
  const created = await db.transaction(async (tx) => {
    const [event] = await tx
      .insert(webhookEvents)
      .values({
        merchantId: account.merchantId,
        channelAccountId: account.id,
        channel: "doudian",
        eventKey,
        // The body as received, for evidence and replay; sealed like payer accounts: it holds the payer's ids.
        rawBody: encryptSecret(params.rawBody),
        headers: Object.fromEntries(Object.entries(params.headers).filter(([k]) => /^(content-type|user-agent|x-douyin-|msg-id|app-id)/.test(k))),
        outcome: outcomeOf(paid, invalid),
        receivedAt: now,
      })
      .onConflictDoNothing({ target: [webhookEvents.channelAccountId, webhookEvents.eventKey] })
      .returning({ id: webhookEvents.id });
    if (!event) return null;
    const rows = await insertPlatformOrders(tx, { merchantId: account.merchantId, source: "douyin", now }, paid.map(toOrder));
    await appendAuditEvents(
      tx,
      account.merchantId,
      { type: "channel", id: account.id },
      rows.map((r) => ({
        action: "order.created",
        subjectType: "order",
        subjectId: r.id,
        after: { reference: r.reference, orderNo: r.orderNo, amount: r.amount, currency: "CNY", via: "doudian_push" },
      })),
    );
    return rows;
  });
  if (created !== null) await stampLastNotified(db, account.id, now);
  if (created?.length) {
    const earliest = created.reduce((min, r) => (r.createdAt < min ? r.createdAt : min), created[0].createdAt);
    await rematchAfterNewOrders(db, account.merchantId, earliest, now);
  }
  return { duplicate: created === null, created: (created ?? []).map(({ createdAt: _createdAt, ...r }) => r) };
}
