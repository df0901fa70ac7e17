import { and, asc, eq, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { enqueueOrderEvents } from "@/lib/services/storefront-webhooks";
import { appendAuditEvents, chainAllAuditEvents, SYSTEM } from "@/lib/db/queries/audit";
import { openOrders, orders, payments } from "@/lib/db/schema";
import { matchPayments } from "@/lib/services/match-payment";
import { pruneAllReportJobs } from "@/lib/services/report-jobs";
import { logger } from "@/lib/log";

const SWEEP_BATCH = 1000;
/** 100 batches: a crash during the largest statement import (100k lines) is recovered in one sweep. */
const SWEEP_MAX_BATCHES = 100;

/** Runs matching for payments it never reached (a crash or a lost event); the database is the queue. */
export async function matchUncheckedPayments(db: Db, params: { limit?: number; now?: Date }) {
  const rows = await db
    .select({ id: payments.id })
    .from(payments)
    .where(isNull(payments.matchCheckedAt))
    .orderBy(asc(payments.createdAt), asc(payments.id))
    .limit(params.limit ?? SWEEP_BATCH);
  const { matched } = await matchPayments(db, { paymentIds: rows.map((r) => r.id), now: params.now });
  return { checked: rows.length, matched, lastId: rows.at(-1)?.id ?? null };
}

/**
 * Batch after batch until none is left: a server killed while matching a large import leaves
 * thousands unchecked, and one batch per 15-minute sweep would leave them unmatched for hours.
 * A batch that ends on the same payment as the one before made no progress (the engine keeps
 * leaving it unchecked); the sweep stops there instead of spinning, and the next sweep tries again.
 */
async function matchAllUnchecked(db: Db, now: Date) {
  let checked = 0;
  let matched = 0;
  let previousLast: string | null = null;
  for (let i = 0; i < SWEEP_MAX_BATCHES; i++) {
    const batch = await matchUncheckedPayments(db, { now });
    checked += batch.checked;
    matched += batch.matched;
    if (batch.checked < SWEEP_BATCH || batch.lastId === previousLast) break;
    previousLast = batch.lastId;
  }
  return { checked, matched };
}

/** Closes pending orders past their expiry; money arriving later is still recorded and matched. */
export async function closeExpiredOrders(db: Db, now: Date) {
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(orders)
      .set({ status: "closed", closedAt: now, updatedAt: now })
      // Candidates come from open_orders, which holds only orders still open: no scan of every order ever made.
      .where(and(inArray(orders.id, tx.select({ id: openOrders.orderId }).from(openOrders)), eq(orders.status, "pending"), lt(orders.expiresAt, now)))
      .returning({ id: orders.id, merchantId: orders.merchantId });
    // Merchants in id order: the audit append locks each merchant row, always in the same order.
    for (const merchantId of [...new Set(closed.map((o) => o.merchantId))].sort()) {
      const events = closed
        .filter((o) => o.merchantId === merchantId)
        .map((o) => ({ action: "order.closed", subjectType: "order", subjectId: o.id, after: { status: "closed", reason: "expired" } }));
      await appendAuditEvents(tx, merchantId, SYSTEM, events);
      // The storefront hears of the close like of any other status change.
      await enqueueOrderEvents(tx, merchantId, events.map((e) => ({ orderId: e.subjectId, status: "closed" })), now);
    }
    return closed.length;
  });
}

/**
 * The periodic sweep: unlinked audit events are linked, unchecked payments matched, expired orders closed,
 * report files past keeping removed.
 */
export async function sweepPayments(db: Db, now = new Date()) {
  // Audit events a crash left unlinked (between a notify's commit and its chaining) are linked first.
  const auditLinked = await chainAllAuditEvents(db);
  const matched = await matchAllUnchecked(db, now);
  const closed = await closeExpiredOrders(db, now);
  // Files, not money: a disk problem here is logged and leaves the sweep's database work standing.
  const reportFilesRemoved = await pruneAllReportJobs(now).catch((err) => {
    logger.warn({ err }, "pruning old report files failed");
    return 0;
  });
  return { ...matched, auditLinked, closed, reportFilesRemoved };
}
