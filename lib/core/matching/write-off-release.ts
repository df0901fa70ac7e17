/** A write-off as kept in orders.details.writeOffs: which payment's shortfall, how much, why. */
export interface WriteOffRecord {
  paymentId: string;
  amount: number;
  cause: string;
  source: "channel" | "rule" | "checkout" | "manual";
  rule?: string;
  at: string;
  /** Set when an anomaly rule's resolution wrote it off (lib/services/anomaly-actions.ts), which may reverse it. */
  anomalyId?: string;
}

/** The write-offs kept on an order (orders.details.writeOffs). */
export const writeOffsOf = (o: { details: Record<string, unknown> }): WriteOffRecord[] => (Array.isArray(o.details.writeOffs) ? (o.details.writeOffs as WriteOffRecord[]) : []);

/**
 * Write-offs that money arriving later may prove unneeded: a tolerance rule's, an anomaly rule's or a
 * person's acceptance of a shortfall (a fee, rounding). What the channel stated (a coupon, a subsidy) or
 * checkout asked (a unique amount's tail) is a discount the customer was given, and stays.
 */
const RELEASABLE_SOURCES: ReadonlySet<string> = new Set(["rule", "manual"]);

export interface ReleasedWriteOff<T> {
  record: T;
  /** How much of the record the money now covers (all of it, or the part beyond what is still short). */
  amount: number;
}

/**
 * An order's write-offs once `allocated` (all money placed on it, refunds aside: a refund is money given
 * back, not a shortfall) covers what they accepted as missing: the newest releasable ones give way first,
 * so the order is never settled by money and by a write-off of the same amount at once.
 */
export function releaseCoveredWriteOffs<T extends { amount: number; source: string }>(
  records: readonly T[],
  orderAmount: number,
  allocated: number,
): { kept: T[]; released: ReleasedWriteOff<T>[] } {
  let excess = allocated + records.reduce((sum, r) => sum + r.amount, 0) - orderAmount;
  const kept = [...records];
  const released: ReleasedWriteOff<T>[] = [];
  for (let i = kept.length - 1; i >= 0 && excess > 0; i--) {
    const record = kept[i];
    if (!RELEASABLE_SOURCES.has(record.source)) continue;
    const amount = Math.min(record.amount, excess);
    excess -= amount;
    released.push({ record, amount });
    if (amount === record.amount) kept.splice(i, 1);
    else kept[i] = { ...record, amount: record.amount - amount };
  }
  return { kept, released };
}
