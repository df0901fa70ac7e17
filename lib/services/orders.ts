import { and, desc, eq, exists, gte, inArray, lt, or, sql } from "drizzle-orm";
import { parseMajor } from "@/lib/core/money";
import { normalizeReference } from "@/lib/core/reference";
import type { DbOrTx } from "@/lib/db/client";
import { searchCondition } from "@/lib/db/queries/search";
import { allocations, channelEnum, orderSourceEnum, orderStatusEnum, orders, payments, refunds, type Order, type Payment } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import { dateRangeParams, decodeCursor, encodeCursor, enumParam, type PageCursor, searchParam } from "@/lib/http/pagination";
import { writeOffsOf } from "@/lib/core/matching/write-off-release";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The order as the contract's `GET /api/v1/orders/{reference}` shows it. */
export async function buildOrderView(db: DbOrTx, order: Order) {
  const rows = await db
    .select({
      paymentId: payments.id,
      channel: payments.channel,
      channelTransactionId: payments.channelTransactionId,
      amount: payments.amount,
      allocatedAmount: allocations.amount,
      matchMethod: allocations.method,
      receivedAt: payments.receivedAt,
    })
    .from(allocations)
    .innerJoin(payments, eq(payments.id, allocations.paymentId))
    .where(eq(allocations.orderId, order.id))
    .orderBy(payments.receivedAt);
  return {
    orderId: order.id,
    reference: order.reference,
    orderNo: order.orderNo,
    source: order.source,
    amount: order.amount,
    /** What the customer is asked to pay: the amount, or the unique amount checkout gave the order. */
    payableAmount: order.payableAmount ?? order.amount,
    currency: order.currency,
    status: order.status,
    paidAmount: order.paidAmount,
    refundedAmount: order.refundedAmount,
    /** The shortfall accepted as paid (a coupon, a fee, a unique amount's tail), with paidAmount settling the order. */
    writtenOffAmount: order.writtenOffAmount,
    /** Each write-off: against which payment, how much, why (cause), and who decided it (source, rule). */
    writeOffs: writeOffsOf(order).map((w) => ({ paymentId: w.paymentId, amount: w.amount, cause: w.cause, source: w.source, rule: w.rule ?? null, at: w.at })),
    description: order.description,
    createdAt: order.createdAt.toISOString(),
    paidAt: iso(order.paidAt),
    expiresAt: iso(order.expiresAt),
    payments: rows.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })),
  };
}

/** Finds a merchant's order by reference, case-insensitively and tolerant of O/I/L look-alikes. */
export async function findOrderByReference(db: DbOrTx, merchantId: string, reference: string) {
  const normalized = normalizeReference(reference) ?? reference.trim().toUpperCase();
  // No stored reference holds U+0000, and PostgreSQL would refuse the parameter with an error rather than find nothing.
  if (normalized.includes("\u0000")) return null;
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), eq(orders.reference, normalized)))
    .limit(1);
  return order ?? null;
}

export async function getOrderView(db: DbOrTx, merchantId: string, reference: string) {
  const order = await findOrderByReference(db, merchantId, reference);
  if (!order) throw notFound("Order");
  return buildOrderView(db, order);
}

/** Sums allocations and refunds per order: the source of truth for an order's paid amount. */
export async function sumOrderMoney(db: DbOrTx, orderIds: string[]) {
  const totals = new Map<string, { allocated: number; refunded: number }>();
  if (orderIds.length === 0) return totals;
  for (const id of orderIds) totals.set(id, { allocated: 0, refunded: 0 });
  const allocated = await db
    .select({ orderId: allocations.orderId, sum: sql<string>`sum(${allocations.amount})` })
    .from(allocations)
    .where(inArray(allocations.orderId, orderIds))
    .groupBy(allocations.orderId);
  const refunded = await db
    .select({ orderId: refunds.orderId, sum: sql<string>`sum(${refunds.amount})` })
    .from(refunds)
    .where(inArray(refunds.orderId, orderIds))
    .groupBy(refunds.orderId);
  for (const r of allocated) totals.get(r.orderId)!.allocated = Number(r.sum);
  for (const r of refunded) if (r.orderId) totals.get(r.orderId)!.refunded = Number(r.sum);
  return totals;
}

export interface ListOrdersParams {
  merchantId: string;
  status?: string;
  source?: string;
  /** Orders with money allocated from a payment of this channel. */
  channel?: string;
  /** Reference, order number, customer or an exact yuan amount. */
  search?: string;
  from?: Date | null;
  to?: Date | null;
  limit: number;
  cursor: PageCursor | null;
}

/** A page of the merchant's orders, newest first, with keyset paging. */
export async function listOrders(db: DbOrTx, p: ListOrdersParams) {
  const where = [eq(orders.merchantId, p.merchantId)];
  if (p.status) where.push(eq(orders.status, p.status as Order["status"]));
  if (p.source) where.push(eq(orders.source, p.source as Order["source"]));
  if (p.channel) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(allocations)
          .innerJoin(payments, eq(payments.id, allocations.paymentId))
          .where(and(eq(allocations.orderId, orders.id), eq(payments.channel, p.channel as Payment["channel"]))),
      ),
    );
  }
  const search = p.search ? searchCondition(p.search, [orders.reference, orders.orderNo, orders.customerName], orders.amount) : undefined;
  if (search) where.push(search);
  if (p.from) where.push(gte(orders.createdAt, p.from));
  if (p.to) where.push(lt(orders.createdAt, p.to));
  if (p.cursor) {
    where.push(or(lt(orders.createdAt, p.cursor.at), and(eq(orders.createdAt, p.cursor.at), lt(orders.id, p.cursor.id)))!);
  }
  const rows = await db
    .select()
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  const data = [];
  for (const o of page) data.push(await buildOrderView(db, o));
  const last = page[page.length - 1];
  return { data, nextCursor: rows.length > p.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
}

/** Order filters from a query string, shared by `GET /api/v1/orders` and the orders page. */
export function orderFiltersFrom(q: URLSearchParams): Omit<ListOrdersParams, "merchantId" | "limit"> {
  return {
    status: enumParam(q, "status", orderStatusEnum.enumValues),
    source: enumParam(q, "source", orderSourceEnum.enumValues),
    channel: enumParam(q, "channel", channelEnum.enumValues),
    search: searchParam(q),
    ...dateRangeParams(q),
    cursor: decodeCursor(q.get("cursor")),
  };
}

/** What is still open on an order a person may match: all of a closed (never paid) one, the rest of the others. */
const openAmountOf = (o: Order) => (o.status === "closed" ? o.amount : Math.max(0, o.amount - o.paidAmount - o.writtenOffAmount));
const OPEN_AMOUNT = sql`case when ${orders.status} = 'closed' then ${orders.amount} else ${orders.amount} - ${orders.paidAmount} - ${orders.writtenOffAmount} end`;

/** The statuses a person may still match money to: waiting, partly paid, or closed unpaid (a late transfer reopens it). */
const MATCHABLE_STATUSES: Order["status"][] = ["pending", "partially_paid", "closed"];

/**
 * Orders a person may match a payment to, found the way the orders list searches (order number,
 * reference, customer, or an exact yuan amount), in the payment's currency: those with exactly the
 * payment's amount open first (when it is given), then newest first. The manual match form's picker.
 * Each with what is still open on it.
 */
export async function findOrdersToMatch(db: DbOrTx, p: { merchantId: string; search: string; currency: string; limit: number; amount?: number }) {
  const search = searchCondition(p.search, [orders.reference, orders.orderNo, orders.customerName], orders.amount, (amount) => parseMajor(amount, p.currency));
  if (!search) return { data: [] };
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.merchantId, p.merchantId), eq(orders.currency, p.currency), inArray(orders.status, MATCHABLE_STATUSES), search))
    .orderBy(
      ...(p.amount === undefined ? [] : [sql`case when ${OPEN_AMOUNT} = ${p.amount} then 0 else 1 end`]),
      desc(orders.createdAt),
      desc(orders.id),
    )
    .limit(p.limit);
  return {
    data: rows.map((o) => ({
      reference: o.reference,
      orderNo: o.orderNo,
      customerName: o.customerName,
      amount: o.amount,
      openAmount: openAmountOf(o),
      currency: o.currency,
      status: o.status,
      createdAt: o.createdAt.toISOString(),
    })),
  };
}
