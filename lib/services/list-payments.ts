import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { searchCondition } from "@/lib/db/queries/search";
import { allocations, channelEnum, orders, paymentStatusEnum, payments, type Channel, type PaymentStatus } from "@/lib/db/schema";
import { dateRangeParams, decodeCursor, encodeCursor, enumParam, type PageCursor, searchParam, uuidParam } from "@/lib/http/pagination";
import { suggestedOrderStatuses, toPaymentView, type AllocationView } from "@/lib/services/payments";
import { groupBy } from "@/lib/core/collections";

export interface ListPaymentsParams {
  merchantId: string;
  status?: PaymentStatus;
  /** Several statuses at once, e.g. the workbench's "pending" (unmatched + suggested). */
  statuses?: PaymentStatus[];
  /** Reference, payer, transaction id, memo or an exact yuan amount. */
  search?: string;
  channel?: Channel;
  /**
   * The payments one statement or bill import recorded (in the file's order: their ids are time-ordered) and those a
   * bill confirmed, notified before (by their ids). GET /api/v1/statements lists the imports.
   */
  statementId?: string;
  from?: Date | null;
  to?: Date | null;
  limit: number;
  cursor: PageCursor | null;
}

/**
 * A page of the merchant's payments, newest received first — or, for one import, in the order of the file's lines
 * (their time-ordered ids) — keyset-paged; allocations in one query per page.
 */
export async function listPayments(db: DbOrTx, p: ListPaymentsParams) {
  const where = [eq(payments.merchantId, p.merchantId)];
  if (p.status) where.push(eq(payments.status, p.status));
  if (p.statuses?.length) where.push(inArray(payments.status, p.statuses));
  if (p.channel) where.push(eq(payments.channel, p.channel));
  if (p.statementId) where.push(or(eq(payments.statementId, p.statementId), eq(payments.confirmedByStatementId, p.statementId))!);
  const search = p.search ? searchCondition(p.search, [payments.reference, payments.payerName, payments.channelTransactionId, payments.memo], payments.amount) : undefined;
  if (search) where.push(search);
  if (p.from) where.push(gte(payments.receivedAt, p.from));
  if (p.to) where.push(lt(payments.receivedAt, p.to));
  const fileOrder = !!p.statementId;
  if (p.cursor && fileOrder) where.push(gt(payments.id, p.cursor.id));
  if (p.cursor && !fileOrder) {
    // The plain bound lets the index scan start at the cursor; the OR alone would be a filter over every newer row.
    where.push(lte(payments.receivedAt, p.cursor.at));
    where.push(or(lt(payments.receivedAt, p.cursor.at), and(eq(payments.receivedAt, p.cursor.at), lt(payments.id, p.cursor.id)))!);
  }
  const rows = await db
    .select()
    .from(payments)
    .where(and(...where))
    .orderBy(...(fileOrder ? [asc(payments.id)] : [desc(payments.receivedAt), desc(payments.id)]))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  const allocs = page.length
    ? await db
        .select({ paymentId: allocations.paymentId, reference: orders.reference, orderNo: orders.orderNo, amount: allocations.amount, method: allocations.method })
        .from(allocations)
        .innerJoin(orders, eq(orders.id, allocations.orderId))
        .where(inArray(allocations.paymentId, page.map((r) => r.id)))
    : [];
  const byPayment = groupBy(
    allocs,
    (a) => a.paymentId,
    (a): AllocationView => ({ reference: a.reference, orderNo: a.orderNo, amount: a.amount, method: a.method }),
  );
  const last = page[page.length - 1];
  const orderStatus = await suggestedOrderStatuses(db, p.merchantId, page);
  return {
    data: page.map((r) => toPaymentView(r, byPayment.get(r.id) ?? [], orderStatus)),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ at: last.receivedAt, id: last.id }) : null,
  };
}

export const PENDING_STATUSES: PaymentStatus[] = ["unmatched", "suggested"];

/**
 * The web app's payment filters from a query string: the board's links and the list's filter form
 * both speak it. `status=pending` stands for unmatched + suggested; `view=pending` without a status too.
 */
export function paymentFiltersFrom(q: URLSearchParams): Omit<ListPaymentsParams, "merchantId" | "limit"> {
  const status = q.get("status");
  const pending = status === "pending" || (!status && q.get("view") !== "all");
  return {
    statuses: pending ? PENDING_STATUSES : undefined,
    status: pending ? undefined : enumParam(q, "status", paymentStatusEnum.enumValues),
    channel: enumParam(q, "channel", channelEnum.enumValues),
    statementId: uuidParam(q, "statementId"),
    ...dateRangeParams(q),
    search: searchParam(q),
    cursor: decodeCursor(q.get("cursor")),
  };
}
