import crypto from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { iteratePlatformOrders, type PlatformFormat, type PlatformOrder } from "@/lib/core/orders/platform-export";
import { reimportOutcome } from "@/lib/core/orders/reimport";
import { generateReference } from "@/lib/core/reference";
import { decodeStatementChunks } from "@/lib/core/statements/decode";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { orders, statements, type NewOrder } from "@/lib/db/schema";
import { logger } from "@/lib/log";
import { rematchPendingForNewOrders } from "@/lib/services/match-payment";
import { MAX_LISTED_REJECTIONS } from "@/lib/services/statements";
import { enqueueOrderEvents } from "@/lib/services/storefront-webhooks";
import { roundedNumberCells } from "@/lib/services/upload-archive";

const BATCH = 1000;
const randomBytes = (n: number) => new Uint8Array(crypto.randomBytes(n));

/** A platform order as any of its ways in (export import, message push) describes it. */
export type PlatformOrderInput = Omit<PlatformOrder, "lineNo"> & {
  /** Where this copy came from (import line, push message id…), kept in the order's details. */
  provenance: Record<string, unknown>;
};

/**
 * Inserts platform orders with fresh references, idempotently on (merchant, source, orderNo) where orderNo is the
 * platform's order id: an order imported and also pushed is one row. Returns only the rows this call created.
 */
export async function insertPlatformOrders(
  tx: DbOrTx,
  params: { merchantId: string; source: PlatformFormat; now: Date },
  batch: PlatformOrderInput[],
) {
  if (batch.length === 0) return [];
  const values: NewOrder[] = batch.map((o) => ({
    merchantId: params.merchantId,
    reference: generateReference(randomBytes),
    orderNo: o.platformOrderId,
    platformOrderId: o.platformOrderId,
    source: params.source,
    amount: o.amount,
    currency: "CNY",
    status: o.closed ? "closed" : "pending",
    closedAt: o.closed ? params.now : null,
    description: o.title,
    customerName: o.buyer,
    details: {
      platformStatus: o.platformStatus,
      platformPaidAmount: o.paidAmount,
      platformDiscountAmount: o.discountAmount,
      platformPaidAt: o.paidAt,
      ...o.provenance,
    },
    createdAt: o.createdAt ? new Date(o.createdAt) : params.now,
    updatedAt: params.now,
  }));
  return tx
    .insert(orders)
    .values(values)
    .onConflictDoNothing({ target: [orders.merchantId, orders.source, orders.orderNo] })
    .returning({ id: orders.id, reference: orders.reference, orderNo: orders.orderNo, amount: orders.amount, createdAt: orders.createdAt });
}

/** A line of the export on its way in: the order and the line it was read from. */
type ExportLine = PlatformOrderInput & { lineNo: number };

/** What became of the export's orders that were already here. */
interface ReimportTally {
  duplicates: number;
  updated: number;
  changed: { line: number; message: string }[];
}

/**
 * The export's orders that are already here (imported or pushed before), decided by {@link reimportOutcome}: the same
 * again is a duplicate; closed on the platform with no money here is closed now (as expiry closes an order: audited,
 * the storefront told); any other difference is not applied, and listed with its line.
 */
async function applyReimported(
  tx: DbOrTx,
  params: { merchantId: string; source: PlatformFormat; actor: Actor; now: Date },
  lines: ExportLine[],
): Promise<ReimportTally> {
  const tally: ReimportTally = { duplicates: 0, updated: 0, changed: [] };
  if (lines.length === 0) return tally;
  const held = await tx
    .select({
      id: orders.id,
      orderNo: orders.orderNo,
      amount: orders.amount,
      status: orders.status,
      paidAmount: orders.paidAmount,
      refundedAmount: orders.refundedAmount,
      writtenOffAmount: orders.writtenOffAmount,
      details: orders.details,
    })
    .from(orders)
    .where(and(eq(orders.merchantId, params.merchantId), eq(orders.source, params.source), inArray(orders.orderNo, lines.map((l) => l.platformOrderId))));
  const byNo = new Map(held.map((o) => [o.orderNo, o]));
  // By the platform's status, so each group is one UPDATE that also keeps that status in the order's details.
  const toClose = new Map<string, { line: ExportLine; id: string }[]>();
  for (const line of lines) {
    const order = byNo.get(line.platformOrderId);
    // Not inserted for its id, yet not found under it: nothing to compare it with, so nothing to apply.
    if (!order) {
      tally.duplicates++;
      continue;
    }
    const outcome = reimportOutcome({ ...order, pushed: order.details.pushedMsgId !== undefined }, line);
    if (outcome.kind === "same") tally.duplicates++;
    else if (outcome.kind === "changed") tally.changed.push({ line: line.lineNo, message: outcome.message });
    else toClose.set(line.platformStatus, [...(toClose.get(line.platformStatus) ?? []), { line, id: order.id }]);
  }
  const closed: string[] = [];
  for (const [platformStatus, group] of toClose) {
    const rows = await tx
      .update(orders)
      .set({ status: "closed", closedAt: params.now, updatedAt: params.now, details: sql`${orders.details} || ${JSON.stringify({ platformStatus })}::jsonb` })
      // Again in the UPDATE: money matched to the order since it was read keeps it open.
      .where(
        and(
          inArray(orders.id, group.map((g) => g.id)),
          eq(orders.status, "pending"),
          eq(orders.paidAmount, 0),
          eq(orders.refundedAmount, 0),
          eq(orders.writtenOffAmount, 0),
        ),
      )
      .returning({ id: orders.id });
    const done = new Set(rows.map((r) => r.id));
    for (const g of group) {
      if (done.has(g.id)) closed.push(g.id);
      else tally.changed.push({ line: g.line.lineNo, message: `order ${g.line.platformOrderId}: the platform shows it ${platformStatus}, but money was matched to it during the import: not closed` });
    }
  }
  tally.updated = closed.length;
  if (closed.length > 0) {
    const events = closed.map((id) => ({ action: "order.closed", subjectType: "order", subjectId: id, after: { status: "closed", reason: "platform_closed" } }));
    await appendAuditEvents(tx, params.merchantId, params.actor, events);
    // The storefront hears of the close like of any other status change.
    await enqueueOrderEvents(tx, params.merchantId, closed.map((orderId) => ({ orderId, status: "closed" })), params.now);
  }
  return tally;
}

/**
 * Imports a platform's order export: every order gets a reference and then matches like any other. Idempotent on
 * the platform order id: re-importing adds no order, closes those the platform closed before anything was paid, and
 * lists (does not apply) other changes, so the same file twice changes nothing the second time. One transaction. The
 * file is decoded, parsed and inserted a batch at a time, so a 100k-line export never becomes one string or one array.
 * The file is kept in the import history beside statements and bills (a statements row with no channel account, its
 * format the platform). Every data line is counted once: imported, updated, duplicate, skipped (a further sub-order
 * row) or rejected (changed orders among them).
 */
export async function importPlatformOrders(
  db: Db,
  params: { merchantId: string; actor: Actor; format: PlatformFormat; bytes: Uint8Array; now: Date },
) {
  const target = { merchantId: params.merchantId, source: params.format, now: params.now };
  // An Excel workbook's id column read as numbers: those ids are refused, never imported rounded.
  const roundedNumbers = roundedNumberCells(params.bytes);
  const items = iteratePlatformOrders(decodeStatementChunks(params.bytes), params.format, { roundedNumbers });
  // The header is read before the transaction opens, so a file that is not an export is refused without one.
  const first = items.next();
  // A wrong file can reject every line: the answer and the history list the first ones and count them all.
  const unread: { line: number; message: string }[] = [];
  const changes: { line: number; message: string }[] = [];
  // Changed orders are listed among the rejected lines (their new copy was not taken), in line order.
  let rejected: { line: number; message: string }[] = [];
  let unreadCount = 0;
  let changed = 0;
  let parsed = 0;
  let imported = 0;
  let updated = 0;
  let duplicates = 0;
  let skipped = 0;
  let earliest: Date | null = null;
  const fileSha256 = crypto.createHash("sha256").update(params.bytes).digest("hex");
  await db.transaction(async (tx) => {
    const [file] = await tx
      .insert(statements)
      .values({ merchantId: params.merchantId, channelAccountId: null, format: params.format, fileSha256, createdAt: params.now })
      .returning({ id: statements.id });
    let batch: ExportLine[] = [];
    const flush = async () => {
      const rows = await insertPlatformOrders(tx, target, batch);
      imported += rows.length;
      for (const r of rows) if (!earliest || r.createdAt < earliest) earliest = r.createdAt;
      const created = new Set(rows.map((r) => r.orderNo));
      const again = await applyReimported(tx, { ...target, actor: params.actor }, batch.filter((o) => !created.has(o.platformOrderId)));
      duplicates += again.duplicates;
      updated += again.updated;
      changed += again.changed.length;
      for (const c of again.changed) if (changes.length < MAX_LISTED_REJECTIONS) changes.push(c);
      batch = [];
    };
    for (let item = first; !item.done; item = items.next()) {
      if ("skipped" in item.value) {
        skipped++;
        continue;
      }
      if ("rejected" in item.value) {
        if (unreadCount++ < MAX_LISTED_REJECTIONS) unread.push(item.value.rejected);
        continue;
      }
      const { lineNo, ...order } = item.value.order;
      batch.push({ ...order, lineNo, provenance: { importedFromLine: lineNo } });
      parsed++;
      if (batch.length === BATCH) await flush();
    }
    await flush();
    rejected = [...unread, ...changes].sort((a, b) => a.line - b.line).slice(0, MAX_LISTED_REJECTIONS);
    await tx
      .update(statements)
      .set({ lineCount: parsed + unreadCount + skipped, imported, duplicates, rejected })
      .where(eq(statements.id, file.id));
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      {
        action: "orders.imported",
        subjectType: "statement",
        subjectId: file.id,
        after: { format: params.format, fileSha256, imported, updated, duplicates, skipped, rejected: unreadCount + changed, changed },
      },
    ]);
  });
  // Money that came before its orders (yesterday's bank statement, today's export) is decided again.
  if (earliest) await rematchAfterNewOrders(db, params.merchantId, earliest, params.now);
  return { imported, updated, duplicates, skipped, changed, rejected, rejectedCount: unreadCount + changed };
}

/** The new orders' pending money decided again, after the orders committed; a failure is logged, the import stands. */
export async function rematchAfterNewOrders(db: Db, merchantId: string, earliestOrderAt: Date, now: Date) {
  try {
    const result = await rematchPendingForNewOrders(db, { merchantId, earliestOrderAt, now });
    if (result.matched > 0) logger.info({ merchantId, matched: result.matched }, "pending payments matched to new orders");
  } catch (err) {
    logger.error({ err, merchantId }, "deciding pending payments again after new orders failed");
  }
}
