// A platform order read again (the next day's export, an order pushed and then exported): what its new copy means
// for the order already here. Only what cannot go wrong is applied: an order the platform closed before anyone
// paid is closed here too. Anything else that differs is left as it is and said, since money may already rest on it.
import { toYuanString } from "@/lib/core/money";

/** The order as it is here. */
export interface HeldOrder {
  amount: number;
  /** Its status as order-status derivation gives it (pending, paid, closed…). */
  status: string;
  paidAmount: number;
  refundedAmount: number;
  writtenOffAmount: number;
  /** Created by a 抖店 push: its amount is what the buyer paid (pay_amount), where an export's amount is before coupons. */
  pushed: boolean;
}

/** The platform's copy of the order, as the export now has it. */
export interface PlatformCopy {
  platformOrderId: string;
  amount: number;
  paidAmount: number | null;
  platformStatus: string;
  closed: boolean;
}

export type ReimportOutcome =
  /** Nothing to apply: the same order again. */
  | { kind: "same" }
  /** Closed on the platform, no money here: close it. */
  | { kind: "close" }
  /** The copy differs in a way that is not applied: the reason names both sides. */
  | { kind: "changed"; message: string };

/** No money was ever put on the order: closing it takes nothing from anyone. */
const untouched = (o: HeldOrder) => o.status === "pending" && o.paidAmount === 0 && o.refundedAmount === 0 && o.writtenOffAmount === 0;

export function reimportOutcome(held: HeldOrder, copy: PlatformCopy): ReimportOutcome {
  // Closed here (expired, or closed by an earlier import): no money is expected, whatever the platform shows now.
  if (held.status === "closed") return { kind: "same" };
  if (copy.closed) {
    if (untouched(held)) return { kind: "close" };
    const kept = held.paidAmount - held.refundedAmount;
    // Refunded here as on the platform: they agree.
    if (kept <= 0) return { kind: "same" };
    return {
      kind: "changed",
      message: `order ${copy.platformOrderId}: the platform shows it ${copy.platformStatus}, but ${toYuanString(kept)} is allocated to it here: not closed (refund the money, or take it off the order, if the order was cancelled)`,
    };
  }
  const sameAmount = copy.amount === held.amount || (held.pushed && copy.paidAmount === held.amount);
  if (!sameAmount) {
    return {
      kind: "changed",
      message: `order ${copy.platformOrderId}: the amount changed from ${toYuanString(held.amount)} to ${toYuanString(copy.amount)} on the platform: not applied, the order keeps ${toYuanString(held.amount)}`,
    };
  }
  return { kind: "same" };
}
