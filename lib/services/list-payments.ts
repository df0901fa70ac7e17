import { and, desc, eq, gte, inArray, lt, or } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { allocations, orders, payments, type Channel, type PaymentStatus } from "@/lib/db/schema";
import { encodeCursor, type PageCursor } from "@/lib/http/pagination";
import { toPaymentView, type AllocationView } from "@/lib/services/payments";

export interface ListPaymentsParams {
  merchantId: string;
  status?: PaymentStatus;
  channel?: Channel;
  from?: Date | null;
  to?: Date | null;
  limit: number;
  cursor: PageCursor | null;
}

/** A page of the merchant's payments, newest received first, keyset-paged; allocations in one query per page. */
export async function listPayments(db: DbOrTx, p: ListPaymentsParams) {
  const where = [eq(payments.merchantId, p.merchantId)];
  if (p.status) where.push(eq(payments.status, p.status));
  if (p.channel) where.push(eq(payments.channel, p.channel));
  if (p.from) where.push(gte(payments.receivedAt, p.from));
  if (p.to) where.push(lt(payments.receivedAt, p.to));
  if (p.cursor) {
    where.push(or(lt(payments.receivedAt, p.cursor.at), and(eq(payments.receivedAt, p.cursor.at), lt(payments.id, p.cursor.id)))!);
  }
  const rows = await db
    .select()
    .from(payments)
    .where(and(...where))
    .orderBy(desc(payments.receivedAt), desc(payments.id))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  const allocs = page.length
    ? await db
        .select({ paymentId: allocations.paymentId, reference: orders.reference, orderNo: orders.orderNo, amount: allocations.amount, method: allocations.method })
        .from(allocations)
        .innerJoin(orders, eq(orders.id, allocations.orderId))
        .where(inArray(allocations.paymentId, page.map((r) => r.id)))
    : [];
  const byPayment = new Map<string, AllocationView[]>();
  for (const { paymentId, ...a } of allocs) byPayment.set(paymentId, [...(byPayment.get(paymentId) ?? []), a]);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => toPaymentView(r, byPayment.get(r.id) ?? [])),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ at: last.receivedAt, id: last.id }) : null,
  };
}
