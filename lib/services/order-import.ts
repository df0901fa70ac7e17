import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { iteratePlatformOrders, type PlatformFormat, type PlatformOrder } from "@/lib/core/orders/platform-export";
import { generateReference } from "@/lib/core/reference";
import { decodeStatementChunks } from "@/lib/core/statements/decode";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { orders, statements, type NewOrder } from "@/lib/db/schema";
import { logger } from "@/lib/log";
import { rematchPendingForNewOrders } from "@/lib/services/match-payment";
import { MAX_LISTED_REJECTIONS } from "@/lib/services/statements";

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

/**
 * Imports a platform's order export: every order gets a reference and then matches like any other. Idempotent on
 * the platform order id (re-importing adds nothing); one transaction. The file is decoded, parsed and inserted a
 * batch at a time, so a 100k-line export never becomes one string or one array. The file is kept in the import
 * history beside statements and bills (a statements row with no channel account, its format the platform).
 */
export async function importPlatformOrders(
  db: Db,
  params: { merchantId: string; actor: Actor; format: PlatformFormat; bytes: Uint8Array; now: Date },
) {
  const target = { merchantId: params.merchantId, source: params.format, now: params.now };
  const items = iteratePlatformOrders(decodeStatementChunks(params.bytes), params.format);
  // The header is read before the transaction opens, so a file that is not an export is refused without one.
  const first = items.next();
  // A wrong file can reject every line: the answer and the history list the first ones and count them all.
  const rejected: { line: number; message: string }[] = [];
  let rejectedCount = 0;
  let parsed = 0;
  let imported = 0;
  let earliest: Date | null = null;
  const fileSha256 = crypto.createHash("sha256").update(params.bytes).digest("hex");
  await db.transaction(async (tx) => {
    const [file] = await tx
      .insert(statements)
      .values({ merchantId: params.merchantId, channelAccountId: null, format: params.format, fileSha256, createdAt: params.now })
      .returning({ id: statements.id });
    let batch: PlatformOrderInput[] = [];
    const flush = async () => {
      const rows = await insertPlatformOrders(tx, target, batch);
      imported += rows.length;
      for (const r of rows) if (!earliest || r.createdAt < earliest) earliest = r.createdAt;
      batch = [];
    };
    for (let item = first; !item.done; item = items.next()) {
      if ("rejected" in item.value) {
        if (rejectedCount++ < MAX_LISTED_REJECTIONS) rejected.push(item.value.rejected);
        continue;
      }
      const { lineNo, ...order } = item.value.order;
      batch.push({ ...order, provenance: { importedFromLine: lineNo } });
      parsed++;
      if (batch.length === BATCH) await flush();
    }
    await flush();
    await tx
      .update(statements)
      .set({ lineCount: parsed + rejectedCount, imported, duplicates: parsed - imported, rejected })
      .where(eq(statements.id, file.id));
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      {
        action: "orders.imported",
        subjectType: "statement",
        subjectId: file.id,
        after: { format: params.format, fileSha256, imported, duplicates: parsed - imported, rejected: rejectedCount },
      },
    ]);
  });
  // Money that came before its orders (yesterday's bank statement, today's export) is decided again.
  if (earliest) await rematchAfterNewOrders(db, params.merchantId, earliest, params.now);
  return { imported, duplicates: parsed - imported, rejected, rejectedCount };
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
