import { detectAmountMismatch } from "@/lib/core/anomalies/detectors/amount-mismatch";
import { detectBillMismatch } from "@/lib/core/anomalies/detectors/bill-mismatch";
import { detectCredentialsExpiring } from "@/lib/core/anomalies/detectors/credentials-expiring";
import { detectDuplicateVoucher } from "@/lib/core/anomalies/detectors/duplicate-voucher";
import { detectLatePayment } from "@/lib/core/anomalies/detectors/late-payment";
import { detectOverpayment } from "@/lib/core/anomalies/detectors/overpayment";
import { detectRefundExceedsPayment } from "@/lib/core/anomalies/detectors/refund-exceeds-payment";
import { detectSignatureFailures } from "@/lib/core/anomalies/detectors/signature-failures";
import { detectUnmatchedOverdue } from "@/lib/core/anomalies/detectors/unmatched-overdue";
import type { AnomalyKind, DetectionInput, Finding } from "@/lib/core/anomalies/types";

/** Every detector by the kind it reports. */
export const DETECTORS: Record<AnomalyKind, (input: DetectionInput) => Finding[]> = {
  unmatched_overdue: detectUnmatchedOverdue,
  amount_mismatch: detectAmountMismatch,
  duplicate_voucher: detectDuplicateVoucher,
  overpayment: detectOverpayment,
  late_payment: detectLatePayment,
  refund_exceeds_payment: detectRefundExceedsPayment,
  signature_failures: detectSignatureFailures,
  bill_mismatch: detectBillMismatch,
  credentials_expiring: detectCredentialsExpiring,
};

/**
 * Kinds whose cause is a current state (a payment still unmatched, an order still short): the sweep
 * resolves them by itself once the state is gone. The others record events that happened
 * (a refused refund, a burst of bad signatures) and stay until a person resolves them.
 */
export const SELF_RESOLVING_KINDS: ReadonlySet<AnomalyKind> = new Set([
  "unmatched_overdue",
  "amount_mismatch",
  "duplicate_voucher",
  "overpayment",
  "late_payment",
  "bill_mismatch",
  "credentials_expiring",
]);

/** Runs every detector; one finding per (kind, subject), in a stable order. */
export function detectAnomalies(input: DetectionInput): Finding[] {
  const seen = new Map<string, Finding>();
  for (const detect of Object.values(DETECTORS)) {
    for (const f of detect(input)) {
      const key = `${f.kind}|${f.subjectKey}`;
      if (!seen.has(key)) seen.set(key, f);
    }
  }
  return [...seen.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.subjectKey.localeCompare(b.subjectKey));
}
