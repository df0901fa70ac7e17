/**
 * Storefront order events are numbered per order: the n-th status change of an order is event
 * `evt_<order id without dashes>_<n>` with `sequence: n`. The id is stable (a redelivery carries the
 * same one) and the sequence tells a storefront which of two events is the later.
 */

const hexOf = (orderId: string) => orderId.replace(/-/g, "");

/** The id of an order's `sequence`-th event. */
export function orderEventId(orderId: string, sequence: number): string {
  return `evt_${hexOf(orderId)}_${sequence}`;
}

/** The ids of sequences `from` to `from + count - 1` of each order: looked up by the unique event id index. */
export function orderEventIds(orderIds: readonly string[], from: number, count: number): string[] {
  return orderIds.flatMap((id) => Array.from({ length: count }, (_, i) => orderEventId(id, from + i)));
}

export interface OrderState {
  status: string;
  paidAmount: number;
  refundedAmount: number;
}

/**
 * Whether an event's order (its `data`) is the order as it is now: the same change seen a second
 * time (a retried job, a re-run), which queues nothing.
 */
export function sameOrderState(data: unknown, order: OrderState): boolean {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Partial<OrderState>;
  return d.status === order.status && d.paidAmount === order.paidAmount && d.refundedAmount === order.refundedAmount;
}
