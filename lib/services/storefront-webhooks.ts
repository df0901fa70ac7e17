import { and, asc, desc, eq, gt, inArray, lt, lte, ne, notInArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import { groupBy } from "@/lib/core/collections";
import { DELIVERY, endpointRetryDelayMs, forEachLimited, isFailing } from "@/lib/core/webhooks/delivery";
import { orderEventId, orderEventIds, sameOrderState } from "@/lib/core/webhooks/order-events";
import { signLdxpPayload } from "@/lib/core/webhooks/signature";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { orders, storefrontWebhooks, webhookDeliveries, type Order } from "@/lib/db/schema";
import { readConfig } from "@/lib/config/env";
import { badRequest } from "@/lib/http/errors";
import { BlockedTargetError, postOutbound, privateHostProblem, type Resolver } from "@/lib/http/outbound";
import { logger } from "@/lib/log";
import { buildOrderView } from "@/lib/services/orders";
import { arrayLiteral } from "@/lib/services/statement-payments";

/** Statuses still to deliver; `failed` is what an older version gave up on, delivered now like the rest. */
const UNDELIVERED = ["pending", "failed"];

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
  // Refused as written here; a name that resolves inside is refused at each delivery (DNS may change).
  const problem = readConfig().webhookAllowPrivate ? null : privateHostProblem(params.url);
  if (problem) throw badRequest(`url: ${problem}; storefront events go to public addresses only`, "invalid_field");
  await db.transaction(async (tx) => {
    const values = { merchantId: params.merchantId, url: params.url, secretEnc: encryptSecret(params.secret) };
    await tx
      .insert(storefrontWebhooks)
      .values(values)
      .onConflictDoUpdate({ target: storefrontWebhooks.merchantId, set: { url: values.url, secretEnc: values.secretEnc } });
    // A new URL or secret is often the fix: the waiting events go out on the next run, not after their backoff
    // (those due within a lease are left alone: a running sweep may hold them).
    const now = new Date();
    await tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: now })
      .where(
        and(
          eq(webhookDeliveries.merchantId, params.merchantId),
          inArray(webhookDeliveries.status, UNDELIVERED),
          gt(webhookDeliveries.nextAttemptAt, new Date(now.getTime() + DELIVERY.LEASE_MS)),
        ),
      );
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
 * Queues an `order.<status>` event for each order whose status changed, in the caller's transaction,
 * so an event exists exactly when the change committed. Every change is its own event, numbered per
 * order (a status the order had before is sent again); a change seen twice queues one.
 */
export async function enqueueOrderEvents(tx: DbOrTx, merchantId: string, changes: { orderId: string; status: string }[], now: Date) {
  if (changes.length === 0 || !(await hasStorefrontWebhook(tx, merchantId))) return;
  await queueOrderEvents(tx, merchantId, changes, now);
}

/** enqueueOrderEvents for a caller that has already found the merchant's storefront webhook. */
export async function queueOrderEvents(tx: DbOrTx, merchantId: string, changes: { orderId: string; status: string }[], now: Date) {
  if (changes.length === 0) return;
  // Locked in id order (as every matcher locks orders; the caller usually holds them already), so two
  // transactions changing one order number its events one after the other, each seeing the other's.
  const rows = await tx
    .select()
    .from(orders)
    .where(inArray(orders.id, [...new Set(changes.map((c) => c.orderId))]))
    .orderBy(asc(orders.id))
    .for("update");
  const latest = await latestOrderEvents(tx, rows.map((o) => o.id));
  for (const order of rows) {
    const last = latest.get(order.id);
    // The event queued last already says this: the same change again (a retried job, a re-run).
    if (last && sameOrderState(last.data, order)) continue;
    await insertOrderEvent(tx, merchantId, order, await buildOrderView(tx, order), (last?.sequence ?? 0) + 1, now);
  }
}

/** Sequences looked up per order at first; an order that has them all is looked up again further on. */
const FIRST_LOOKUP = 4;

/**
 * Each order's last event (its sequence and order data), found through the unique event id index:
 * sequences 1–4 first, then the orders that have all of them again, twice as many each time.
 */
async function latestOrderEvents(tx: DbOrTx, orderIds: string[]) {
  const latest = new Map<string, { sequence: number; data: unknown }>();
  let open = orderIds;
  for (let from = 1, count = FIRST_LOOKUP; open.length > 0; from += count, count = Math.min(count * 2, 64)) {
    const found = await tx
      .select({ eventId: webhookDeliveries.eventId, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(sql`${webhookDeliveries.eventId} = any(${arrayLiteral(orderEventIds(open, from, count))}::text[])`);
    const byId = new Map(found.map((f) => [f.eventId, f.payload]));
    const full: string[] = [];
    for (const orderId of open) {
      for (let sequence = from + count - 1; sequence >= from; sequence--) {
        const payload = byId.get(orderEventId(orderId, sequence));
        if (!payload) continue;
        latest.set(orderId, { sequence, data: payload.data });
        if (sequence === from + count - 1) full.push(orderId);
        break;
      }
    }
    open = full;
  }
  return latest;
}

/** Inserts the order's event `sequence`, or the next free one should that id be taken already. */
async function insertOrderEvent(tx: DbOrTx, merchantId: string, order: Order, view: Record<string, unknown>, sequence: number, now: Date) {
  const type = `order.${order.status}`;
  for (let s = sequence; s < sequence + 100; s++) {
    const eventId = orderEventId(order.id, s);
    const inserted = await tx
      .insert(webhookDeliveries)
      .values({ merchantId, eventId, type, payload: { id: eventId, type, createdAt: now.toISOString(), sequence: s, data: view }, nextAttemptAt: now })
      .onConflictDoNothing({ target: webhookDeliveries.eventId })
      .returning({ id: webhookDeliveries.id });
    if (inserted.length > 0) return;
  }
  throw new Error(`order ${order.id}: no free event sequence from ${sequence}`);
}

type Delivery = typeof webhookDeliveries.$inferSelect;
type Hook = typeof storefrontWebhooks.$inferSelect;

interface Sweep {
  db: Db;
  now: Date;
  /** Name lookup for the endpoints (tests give one); the system resolver otherwise. */
  resolve?: Resolver;
  /** LDXP_WEBHOOK_ALLOW_PRIVATE: endpoints on private addresses are sent to. */
  allowPrivate: boolean;
  /** Claimed rows are leased until then; rows due later than it are no other sweep's. */
  leaseUntil: Date;
  deadline: number;
  perEndpoint: number;
  /** Attempts per merchant so far this run. */
  sent: Map<string, number>;
  /** Endpoints this run is done with (failing, or at their share): later claims skip them. */
  done: Set<string>;
  /** Endpoints whose waiting events were already brought forward this run. */
  recovered: Set<string>;
  attempted: number;
  delivered: number;
}

/**
 * Delivers due events, each signed with `X-Ldxp-Signature`, until a 2xx: an event is never given up.
 * Rows are the queue: a restart loses nothing. Each run is bounded: at most `limit` attempts, 50 per
 * endpoint, none started after 45 s; events are claimed (leased) first, so overlapping runs do not
 * send one twice. An endpoint's events go oldest first; at its first failure the run leaves it and
 * its other waiting events wait for that event's next attempt (backoff up to 6 h), so a dead endpoint
 * costs one request per backoff, not one per event. A retry that succeeds brings its waiting events
 * forward.
 */
export async function deliverDueWebhooks(db: Db, params: { now?: Date; limit?: number; perEndpoint?: number; resolve?: Resolver } = {}) {
  const now = params.now ?? new Date();
  const limit = params.limit ?? DELIVERY.RUN_ATTEMPTS;
  const run: Sweep = {
    db,
    now,
    resolve: params.resolve,
    allowPrivate: readConfig().webhookAllowPrivate,
    leaseUntil: new Date(now.getTime() + DELIVERY.LEASE_MS),
    deadline: Date.now() + DELIVERY.RUN_BUDGET_MS,
    perEndpoint: params.perEndpoint ?? DELIVERY.ENDPOINT_ATTEMPTS,
    sent: new Map(),
    done: new Set(),
    recovered: new Set(),
    attempted: 0,
    delivered: 0,
  };
  for (let round = 0; round < DELIVERY.ROUNDS && run.attempted < limit && Date.now() < run.deadline; round++) {
    const claimed = await claimDue(run, limit - run.attempted);
    if (claimed.length === 0) break;
    const byMerchant = groupBy(claimed, (d) => d.merchantId);
    const hooks = await db.select().from(storefrontWebhooks).where(inArray(storefrontWebhooks.merchantId, [...byMerchant.keys()]));
    const hookOf = new Map(hooks.map((h) => [h.merchantId, h]));
    await forEachLimited([...byMerchant], DELIVERY.CONCURRENCY, ([merchantId, rows]) => deliverToEndpoint(run, hookOf.get(merchantId), merchantId, rows));
  }
  return { attempted: run.attempted, delivered: run.delivered };
}

/** Claims up to `count` due events, oldest due first, leasing them to this run (rows another run holds are skipped). */
async function claimDue(run: Sweep, count: number): Promise<Delivery[]> {
  return run.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          inArray(webhookDeliveries.status, UNDELIVERED),
          lte(webhookDeliveries.nextAttemptAt, run.now),
          run.done.size > 0 ? notInArray(webhookDeliveries.merchantId, [...run.done]) : undefined,
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.createdAt))
      .limit(count)
      .for("update", { skipLocked: true });
    if (rows.length > 0) {
      await tx.update(webhookDeliveries).set({ nextAttemptAt: run.leaseUntil }).where(inArray(webhookDeliveries.id, rows.map((d) => d.id)));
    }
    return rows;
  });
}

/** Sends one endpoint's claimed events in order, until one fails or the endpoint has had its share. */
async function deliverToEndpoint(run: Sweep, hook: Hook | undefined, merchantId: string, rows: Delivery[]) {
  const { db, now } = run;
  if (!hook) {
    // Nowhere to send them: parked until a webhook is set (which brings them forward).
    await db
      .update(webhookDeliveries)
      .set({ status: "pending", lastError: "no storefront webhook is set", nextAttemptAt: new Date(now.getTime() + DELIVERY.MAX_RETRY_DELAY_MS) })
      .where(inArray(webhookDeliveries.id, rows.map((d) => d.id)));
    run.done.add(merchantId);
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    const d = rows[i];
    const sent = run.sent.get(merchantId) ?? 0;
    if (sent >= run.perEndpoint || Date.now() >= run.deadline) {
      // Back in the queue as they were due: the next run starts with them.
      await db.update(webhookDeliveries).set({ nextAttemptAt: now }).where(inArray(webhookDeliveries.id, rows.slice(i).map((r) => r.id)));
      run.done.add(merchantId);
      return;
    }
    run.sent.set(merchantId, sent + 1);
    run.attempted++;
    const attempts = d.attempts + 1;
    const error = await post(run, hook, d);
    if (!error) {
      run.delivered++;
      await db.update(webhookDeliveries).set({ attempts, status: "delivered", lastError: null, deliveredAt: now }).where(eq(webhookDeliveries.id, d.id));
      if (d.attempts > 0 && !run.recovered.has(merchantId)) {
        // A retry went through: the endpoint is back, so its other events need not sit out their backoff.
        run.recovered.add(merchantId);
        await db
          .update(webhookDeliveries)
          .set({ nextAttemptAt: now })
          .where(
            and(
              eq(webhookDeliveries.merchantId, merchantId),
              inArray(webhookDeliveries.status, UNDELIVERED),
              gt(webhookDeliveries.nextAttemptAt, run.leaseUntil),
            ),
          );
      }
      continue;
    }
    const retryAt = new Date(now.getTime() + endpointRetryDelayMs([attempts, ...rows.map((r) => r.attempts)]));
    await db
      .update(webhookDeliveries)
      .set({ attempts, status: "pending", lastError: error, nextAttemptAt: retryAt })
      .where(eq(webhookDeliveries.id, d.id));
    // The endpoint's other events wait for that attempt, just before it: the next probe is another
    // event, so one the storefront keeps refusing does not hold the others back.
    await db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(retryAt.getTime() - 1) })
      .where(
        and(
          eq(webhookDeliveries.merchantId, merchantId),
          inArray(webhookDeliveries.status, UNDELIVERED),
          ne(webhookDeliveries.id, d.id),
          // Due before it, or claimed by this run and not tried.
          or(lt(webhookDeliveries.nextAttemptAt, retryAt), inArray(webhookDeliveries.id, rows.map((r) => r.id))),
        ),
      );
    run.done.add(merchantId);
    logger.warn({ eventId: d.eventId, attempts, error }, "storefront webhook delivery failed");
    return;
  }
}

/** POSTs one event; the error, or null on a 2xx. */
async function post(run: Sweep, hook: Hook, d: Delivery): Promise<string | null> {
  const body = JSON.stringify(d.payload);
  try {
    const signature = await signLdxpPayload(decryptSecret(hook.secretEnc), Math.floor(run.now.getTime() / 1000), body);
    // The endpoint's name is resolved and vetted once, and the connection goes to the vetted address
    // (see postOutbound); a redirect is not followed: it could lead where the vetting would refuse.
    const status = await postOutbound(hook.url, {
      headers: { "content-type": "application/json", "x-ldxp-signature": signature, "x-ldxp-event-id": d.eventId },
      body,
      timeoutMs: DELIVERY.TIMEOUT_MS,
      allowPrivate: run.allowPrivate,
      resolve: run.resolve,
    });
    return status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
  } catch (err) {
    // The merchant reads this in the delivery log: a refusal names their host, not what it resolved to.
    return err instanceof BlockedTargetError ? `${err.message}: not sent` : (err as Error).message;
  }
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
    /** Not delivered and its last attempt failed: the endpoint needs looking at (it is still retried). */
    failing: isFailing(d),
    nextAttemptAt: d.nextAttemptAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  }));
}
