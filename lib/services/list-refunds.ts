import { and, desc, eq, gte, lt, or } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { searchCondition } from "@/lib/db/queries/search";
import { channelEnum, orders, payments, refunds, type Channel } from "@/lib/db/schema";
import { dateRangeParams, decodeCursor, encodeCursor, enumParam, type PageCursor, searchParam } from "@/lib/http/pagination";

export interface ListRefundsParams {
  merchantId: string;
  /** The channel of the payment the refund came back through. */
  channel?: Channel;
  /** Channel refund id, payment or order reference, order number, payer or an exact yuan amount. */
  search?: string;
  from?: Date | null;
  to?: Date | null;
  limit: number;
  cursor: PageCursor | null;
}

/** A page of the merchant's refunds, newest first, keyset-paged, each with its payment and order. */
export async function listRefunds(db: DbOrTx, p: ListRefundsParams) {
  const where = [eq(refunds.merchantId, p.merchantId)];
  if (p.channel) where.push(eq(payments.channel, p.channel));
  const search = p.search
    ? searchCondition(p.search, [refunds.channelRefundId, payments.reference, payments.payerName, orders.reference, orders.orderNo], refunds.amount)
    : undefined;
  if (search) where.push(search);
  if (p.from) where.push(gte(refunds.refundedAt, p.from));
  if (p.to) where.push(lt(refunds.refundedAt, p.to));
  if (p.cursor) {
    where.push(or(lt(refunds.refundedAt, p.cursor.at), and(eq(refunds.refundedAt, p.cursor.at), lt(refunds.id, p.cursor.id)))!);
  }
  const rows = await db
    .select({
      refundId: refunds.id,
      channelRefundId: refunds.channelRefundId,
      amount: refunds.amount,
      refundedAt: refunds.refundedAt,
      paymentId: payments.id,
      channel: payments.channel,
      paymentAmount: payments.amount,
      currency: payments.currency,
      payerName: payments.payerName,
      orderReference: orders.reference,
      orderNo: orders.orderNo,
    })
    .from(refunds)
    // Both joins stay inside the merchant: a refund's payment and order are the merchant's own.
    .innerJoin(payments, and(eq(payments.id, refunds.paymentId), eq(payments.merchantId, refunds.merchantId)))
    .leftJoin(orders, and(eq(orders.id, refunds.orderId), eq(orders.merchantId, refunds.merchantId)))
    .where(and(...where))
    .orderBy(desc(refunds.refundedAt), desc(refunds.id))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({ ...r, refundedAt: r.refundedAt.toISOString() })),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ at: last.refundedAt, id: last.refundId }) : null,
  };
}

/** The refunds list's filters from its query string (dates are the merchant's days in Asia/Shanghai). */
export function refundFiltersFrom(q: URLSearchParams): Omit<ListRefundsParams, "merchantId" | "limit"> {
  return {
    channel: enumParam(q, "channel", channelEnum.enumValues),
    ...dateRangeParams(q),
    search: searchParam(q),
    cursor: decodeCursor(q.get("cursor")),
  };
}
