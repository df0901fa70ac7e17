import { eq } from "drizzle-orm";
import { normalizeReference } from "@/lib/core/reference";
import type { DbOrTx } from "@/lib/db/client";
import { merchants, orders } from "@/lib/db/schema";

/** What the customer's pay page may show: nothing beyond what the customer already knows. */
export async function getPayStatus(db: DbOrTx, reference: string, now = new Date()) {
  const normalized = normalizeReference(reference);
  if (!normalized) return null;
  const [row] = await db
    .select({ order: orders, merchantName: merchants.name })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .where(eq(orders.reference, normalized))
    .limit(1);
  if (!row) return null;
  const o = row.order;
  const expired = o.status === "pending" && !!o.expiresAt && o.expiresAt <= now;
  return {
    reference: o.reference,
    orderNo: o.orderNo,
    merchantName: row.merchantName,
    amount: o.amount,
    currency: o.currency,
    paidAmount: o.paidAmount,
    status: expired ? ("closed" as const) : o.status,
    description: o.description,
    expiresAt: o.expiresAt?.toISOString() ?? null,
    paidAt: o.paidAt?.toISOString() ?? null,
    returnUrl: o.returnUrl,
  };
}

export type PayStatus = NonNullable<Awaited<ReturnType<typeof getPayStatus>>>;
