import { exactExplanation, FULL_AMOUNT_NOTE, referenceCandidates, type PaymentForMatching } from "@/lib/core/matching/exact";
import type { Explanation } from "@/lib/core/matching/types";

/**
 * The bulk path of a statement import settles, in set-based SQL, only the payments whose decision
 * is certain before any order is read: one reference (the channel's field, or the only valid
 * reference in the memo) whose order is still untouched and asks exactly this amount. Those are
 * the payments decideMatch would match by reference with nothing to write off; everything else
 * (several references, partial or short payments, closed orders, no reference) goes through the
 * engine one payment at a time.
 */
export interface BulkCandidate {
  reference: string;
  method: "reference" | "reference_in_memo";
}

/** The single reference a payment can be bulk-matched on, or null when the engine must decide. */
export function bulkCandidate(p: PaymentForMatching): BulkCandidate | null {
  const { field, memo } = referenceCandidates(p);
  // A channel field that names no order of ours falls back to the memo in decideExactMatch; the
  // bulk path only takes the field, and leaves that case to the engine.
  if (field) return { reference: field, method: "reference" };
  if (memo.length === 1) return { reference: memo[0], method: "reference_in_memo" };
  return null;
}

/** The explanation of a bulk match: the engine's words for the same full-amount reference match. */
export function bulkExplanation(candidate: BulkCandidate): Explanation {
  return exactExplanation(candidate.method, candidate.reference, FULL_AMOUNT_NOTE);
}
