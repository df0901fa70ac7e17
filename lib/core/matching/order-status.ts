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

/** An order's status follows from its money: allocations, refunds and accepted write-offs. */
export function deriveOrderStatus(t: OrderTotals): OrderStatus {
  const writtenOff = t.writtenOff ?? 0;
  if (t.refunded > 0) return t.allocated - t.refunded <= 0 ? "refunded" : "partially_refunded";
  if (t.allocated === 0) return t.closed ? "closed" : "pending";
  const settled = t.allocated + writtenOff;
  if (settled < t.amount) return "partially_paid";
  return t.allocated > t.amount ? "overpaid" : "paid";
}

/** True when the order's money covers its amount (paid, overpaid or refunded after payment). */
export const isSettled = (status: OrderStatus) => status === "paid" || status === "overpaid";
