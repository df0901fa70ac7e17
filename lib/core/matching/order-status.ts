export type OrderStatus =
  | "pending"
  | "partially_paid"
  | "paid"
  | "overpaid"
  | "partially_refunded"
  | "refunded"
  | "closed";

export interface OrderTotals {
  amount: number;
  /** Sum of allocations to the order (fen). */
  allocated: number;
  /** Sum of refunds charged to the order (fen). */
  refunded: number;
  /** Accepted shortfall (coupon, fee, rounding) that counts as paid. */
  writtenOff?: number;
  /** The order expired or was closed before money arrived. */
  closed?: boolean;
}

/** An order's status follows from its money: allocations, refunds (net of what was paid) and accepted write-offs. */
export function deriveOrderStatus(t: OrderTotals): OrderStatus {
  const writtenOff = t.writtenOff ?? 0;
  if (t.refunded > 0) {
    const net = t.allocated - t.refunded;
    if (net <= 0) return "refunded";
    // Money back that only returned a surplus (the second of two full payments) leaves the order paid: the
    // customer paid what it costs, and a storefront told "partially refunded" would take back goods.
    if (net + writtenOff >= t.amount) return net > t.amount ? "overpaid" : "paid";
    return "partially_refunded";
  }
  if (t.allocated === 0) return t.closed ? "closed" : "pending";
  const settled = t.allocated + writtenOff;
  if (settled < t.amount) return "partially_paid";
  return t.allocated > t.amount ? "overpaid" : "paid";
}

/** True when the order's money covers its amount (paid, overpaid or refunded after payment). */
export const isSettled = (status: OrderStatus) => status === "paid" || status === "overpaid";
