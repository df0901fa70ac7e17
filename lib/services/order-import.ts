import crypto from "node:crypto";
import { parsePlatformOrders, type PlatformFormat } from "@/lib/core/orders/platform-export";
import { generateReference } from "@/lib/core/reference";
import { decodeStatementBytes } from "@/lib/core/statements/decode";
import type { Db } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { orders, type NewOrder } from "@/lib/db/schema";

const BATCH = 1000;
const randomBytes = (n: number) => new Uint8Array(crypto.randomBytes(n));

/**
 * Imports a platform's order export: every order gets a reference and then matches like any
 * other. Idempotent on the platform order id (re-importing adds nothing); one transaction.
 */
export async function importPlatformOrders(
  db: Db,
  params: { merchantId: string; actor: Actor; format: PlatformFormat; bytes: Uint8Array; now: Date },
) {
  const { text } = decodeStatementBytes(params.bytes);
  const parsed = parsePlatformOrders(text, params.format);
  const source = params.format;
  let imported = 0;
  await db.transaction(async (tx) => {
    for (let i = 0; i < parsed.orders.length; i += BATCH) {
      const values: NewOrder[] = parsed.orders.slice(i, i + BATCH).map((o) => ({
        merchantId: params.merchantId,
        reference: generateReference(randomBytes),
        orderNo: o.platformOrderId,
        platformOrderId: o.platformOrderId,
        source,
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
          importedFromLine: o.lineNo,
        },
        createdAt: o.createdAt ? new Date(o.createdAt) : params.now,
        updatedAt: params.now,
      }));
      const rows = await tx
        .insert(orders)
        .values(values)
        .onConflictDoNothing({ target: [orders.merchantId, orders.source, orders.orderNo] })
        .returning({ id: orders.id });
      imported += rows.length;
    }
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      {
        action: "orders.imported",
        subjectType: "merchant",
        subjectId: params.merchantId,
        after: { format: params.format, imported, duplicates: parsed.orders.length - imported, rejected: parsed.rejected.length },
      },
    ]);
  });
  return { imported, duplicates: parsed.orders.length - imported, rejected: parsed.rejected };
}
