import { and, asc, desc, eq, inArray, lte } from "drizzle-orm";
import { z } from "zod";
import { retryDelayMs, signLdxpPayload } from "@/lib/core/webhooks/signature";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { orders, storefrontWebhooks, webhookDeliveries } from "@/lib/db/schema";
import { logger } from "@/lib/log";
import { buildOrderView } from "@/lib/services/orders";

const MAX_ATTEMPTS = 20;
const TIMEOUT_MS = 10_000;

export const storefrontWebhookSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  secret: z.string().min(16, "must be at least 16 characters").max(200),
});

/** The merchant's storefront webhook URL, or null; the secret never leaves the server. */
export async function getStorefrontWebhook(db: DbOrTx, merchantId: string) {
  const [row] = await db.select({ url: storefrontWebhooks.url }).from(storefrontWebhooks).where(eq(storefrontWebhooks.merchantId, merchantId)).limit(1);
  return row ? { url: row.url } : null;
}

/** Sets (or replaces) the merchant's storefront webhook; the secret is stored encrypted. */
export async function setStorefrontWebhook(db: Db, params: { merchantId: string; actor: Actor; url: string; secret: string }) {
  await db.transaction(async (tx) => {
    const values = { merchantId: params.merchantId, url: params.url, secretEnc: encryptSecret(params.secret) };
    await tx
      .insert(storefrontWebhooks)
      .values(values)
      .onConflictDoUpdate({ target: storefrontWebhooks.merchantId, set: { url: values.url, secretEnc: values.secretEnc } });
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      { action: "storefront_webhook.set", subjectType: "merchant", subjectId: params.merchantId, after: { url: params.url } },
    ]);
  });
  return { url: params.url };
}

/** Whether the merchant has set a storefront webhook (without one, order events are not queued). */
export async function hasStorefrontWebhook(tx: DbOrTx, merchantId: string): Promise<boolean> {
  const [hook] = await tx.select({ id: storefrontWebhooks.merchantId }).from(storefrontWebhooks).where(eq(storefrontWebhooks.merchantId, merchantId));
  return !!hook;
}

/**
 * Queues `order.<status>` events for orders whose status changed, in the caller's transaction,
 * so an event exists exactly when the change committed. The event id is stable per change.
 */
export async function enqueueOrderEvents(tx: DbOrTx, merchantId: string, changes: { orderId: string; status: string }[], now: Date) {
  if (changes.length === 0 || !(await hasStorefrontWebhook(tx, merchantId))) return;
  await queueOrderEvents(tx, merchantId, changes, now);
}

/** enqueueOrderEvents for a caller that has already found the merchant's storefront webhook. */
export async function queueOrderEvents(tx: DbOrTx, merchantId: string, changes: { orderId: string; status: string }[], now: Date) {
  if (changes.length === 0) return;
  const rows = await tx.select().from(orders).where(inArray(orders.id, changes.map((c) => c.orderId)));
  for (const order of rows) {
    const view = await buildOrderView(tx, order);
    const eventId = `evt_${order.id.replace(/-/g, "")}_${order.status}_${order.paidAmount}_${order.refundedAmount}`;
    await tx
      .insert(webhookDeliveries)
      .values({
        merchantId,
        eventId,
        type: `order.${order.status}`,
        payload: { id: eventId, type: `order.${order.status}`, createdAt: now.toISOString(), data: view },
        nextAttemptAt: now,
      })
      .onConflictDoNothing({ target: webhookDeliveries.eventId });
  }
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Delivers due events (at least once, oldest first), each signed with `X-Ldxp-Signature`.
 * Rows are the queue: a restart loses nothing, and a failed attempt is retried with backoff.
 */
export async function deliverDueWebhooks(db: Db, params: { now?: Date; limit?: number; fetch?: Fetch } = {}) {
  const now = params.now ?? new Date();
  const send = params.fetch ?? fetch;
  const due = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(params.limit ?? 50);
  let delivered = 0;
  for (const d of due) {
    const [hook] = await db.select().from(storefrontWebhooks).where(eq(storefrontWebhooks.merchantId, d.merchantId));
    if (!hook) continue;
    const body = JSON.stringify(d.payload);
    const attempts = d.attempts + 1;
    let error: string | null = null;
    try {
      const signature = await signLdxpPayload(decryptSecret(hook.secretEnc), Math.floor(now.getTime() / 1000), body);
      const res = await send(hook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-ldxp-signature": signature, "x-ldxp-event-id": d.eventId },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    if (!error) delivered++;
    await db
      .update(webhookDeliveries)
      .set({
        attempts,
        status: error ? (attempts >= MAX_ATTEMPTS ? "failed" : "pending") : "delivered",
        lastError: error,
        deliveredAt: error ? null : now,
        nextAttemptAt: error ? new Date(now.getTime() + retryDelayMs(attempts)) : d.nextAttemptAt,
      })
      .where(eq(webhookDeliveries.id, d.id));
    if (error) logger.warn({ eventId: d.eventId, attempts, error }, "storefront webhook delivery failed");
  }
  return { attempted: due.length, delivered };
}

/** The merchant's delivery log, newest first. */
export async function listDeliveries(db: DbOrTx, merchantId: string, limit = 50) {
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.merchantId, merchantId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
  return rows.map((d) => ({
    id: d.eventId,
    type: d.type,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  }));
}
