import { SEVERITIES, type AnomalyKind, type Severity } from "@/lib/core/anomalies/types";

/** Where each kind starts before the money at stake raises it. */
export const BASE_SEVERITY: Record<AnomalyKind, Severity> = {
  unmatched_overdue: "medium",
  // Small differences are routine (rounding, coupons); the amount raises the real ones.
  amount_mismatch: "low",
  // The same voucher with different content is either a bank correction or tampering: look now.
  duplicate_voucher: "high",
  overpayment: "medium",
  late_payment: "medium",
  refund_exceeds_payment: "high",
  // Five failed signatures in ten minutes is an attack or a rotated key; either stops collections.
  signature_failures: "high",
  bill_mismatch: "medium",
  // A certificate about to lapse: collections stop when it does (raised to high in its last week).
  credentials_expiring: "medium",
};

/** ¥1,000 at stake raises a level; ¥10,000 is always high. */
export const RAISE_ONE_LEVEL_AT = 100_000;
export const ALWAYS_HIGH_AT = 1_000_000;

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** The higher of two severities. */
export const maxSeverity = (a: Severity, b: Severity): Severity => (rank(a) >= rank(b) ? a : b);

/** A kind's severity, raised by the money at stake (fen, sign ignored). */
export function severityFor(kind: AnomalyKind, stakes: number): Severity {
  const base = BASE_SEVERITY[kind];
  const abs = Math.abs(stakes);
  if (abs >= ALWAYS_HIGH_AT) return "high";
  if (abs >= RAISE_ONE_LEVEL_AT) return SEVERITIES[Math.min(rank(base) + 1, SEVERITIES.length - 1)];
  return base;
}
