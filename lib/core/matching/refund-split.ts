/** How much more of a payment's money an order can give back: what the payment paid it, less what went back already. */
export interface RefundRoom {
  orderId: string;
  room: number;
}

export interface RefundPart {
  /** Null: money the payment paid no order. */
  orderId: string | null;
  amount: number;
}

/**
 * Which orders a refund of a payment gives money back on. Money the payment paid no order (`unclaimed`: a surplus
 * never allocated, a transfer nobody claimed) goes back first, on no order, so the orders stay as they were. Then the
 * first order in `rooms` (the caller sorts them: the one paid most first) that still holds all of the rest, or, when
 * none does alone (all of a merged transfer refunded), each in turn up to what it holds, so no order is refunded more
 * than the payment paid it. Anything beyond every room (a refund larger than the payment) is on no order.
 */
export function spreadRefund(amount: number, unclaimed: number, rooms: readonly RefundRoom[]): RefundPart[] {
  const parts: RefundPart[] = [];
  let left = amount;
  const first = Math.min(left, Math.max(0, unclaimed));
  if (first > 0) {
    parts.push({ orderId: null, amount: first });
    left -= first;
  }
  if (left === 0) return parts;
  const whole = rooms.find((r) => r.room >= left);
  if (whole) return [...parts, { orderId: whole.orderId, amount: left }];
  for (const r of rooms) {
    const take = Math.min(r.room, left);
    if (take <= 0) continue;
    parts.push({ orderId: r.orderId, amount: take });
    left -= take;
  }
  if (left > 0) parts.push({ orderId: null, amount: left });
  return parts;
}

/** The unclaimed money and rooms left once `parts` went back (for the next refund of the same payment). */
export function afterRefund(unclaimed: number, rooms: readonly RefundRoom[], parts: readonly RefundPart[]): { unclaimed: number; rooms: RefundRoom[] } {
  const onNoOrder = parts.filter((p) => p.orderId === null).reduce((sum, p) => sum + p.amount, 0);
  return {
    unclaimed: Math.max(0, unclaimed - onNoOrder),
    rooms: rooms.map((r) => ({ orderId: r.orderId, room: r.room - parts.filter((p) => p.orderId === r.orderId).reduce((sum, p) => sum + p.amount, 0) })),
  };
}
