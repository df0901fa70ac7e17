import { isFlagged, readDifference } from "@/lib/core/anomalies/facts";
import { channelLabel, formatAge, money } from "@/lib/core/anomalies/messages";
import { severityFor } from "@/lib/core/anomalies/severity";
import { minutesBetween, paymentSubject } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding, PaymentFacts } from "@/lib/core/anomalies/types";

/** A notify the channel's bill has not confirmed this long after it arrived is suspect. */
export const BILL_CONFIRMATION_GRACE_MINUTES = 48 * 60;
/** A bill imported less than a day after the payment may not cover the payment's day yet (T+1). */
export const BILL_COVERAGE_LAG_MINUTES = 24 * 60;

/**
 * Our records and the channel's bill disagree: 长款 (the bill shows more money than we recorded) or
 * 短款 (we recorded money the bill does not show). Sources: the statements import's
 * `details.billMismatch` on a payment, and notify payments older than 48 h that a bill imported at
 * least a day after them still did not confirm.
 */
export function detectBillMismatch(input: DetectionInput): Finding[] {
  const findings: Finding[] = [];
  const make = (p: PaymentFacts, difference: number | null, fingerprint: string, message: Finding["message"], details: Record<string, unknown>): Finding => ({
    kind: "bill_mismatch",
    subjectKey: paymentSubject(p.id),
    fingerprint,
    severity: severityFor("bill_mismatch", difference ?? p.amount),
    paymentId: p.id,
    orderId: null,
    channel: p.channel,
    amount: p.amount,
    difference,
    payerName: p.payerName,
    ageMinutes: minutesBetween(p.receivedAt, input.now),
    message,
    details,
  });
  for (const p of input.payments) {
    const ch = channelLabel(p.channel);
    const flag = p.details.billMismatch;
    if (isFlagged(flag)) {
      const difference = readDifference(flag);
      const message =
        difference === null || difference === 0
          ? { zh: `${ch.zh}账单与流水号 ${p.channelTransactionId} 的记录不一致`, en: `the ${ch.en} bill disagrees with our record of transaction ${p.channelTransactionId}` }
          : difference > 0
            ? {
                zh: `长款：${ch.zh}账单比记录多 ${money(difference, p.currency)}（流水号 ${p.channelTransactionId}）`,
                en: `surplus: the ${ch.en} bill shows ${money(difference, p.currency)} more than recorded for transaction ${p.channelTransactionId}`,
              }
            : {
                zh: `短款：${ch.zh}账单比记录少 ${money(-difference, p.currency)}（流水号 ${p.channelTransactionId}）`,
                en: `shortfall: the ${ch.en} bill shows ${money(-difference, p.currency)} less than recorded for transaction ${p.channelTransactionId}`,
              };
      findings.push(make(p, difference, `flag:${difference ?? "unknown"}`, message, { billMismatch: flag }));
      continue;
    }
    if (p.origin !== "notify" || p.confirmedByBillAt || p.status === "ignored") continue;
    if (input.now.getTime() - p.receivedAt.getTime() <= BILL_CONFIRMATION_GRACE_MINUTES * 60_000) continue;
    const lastBill = input.lastStatementAt.get(p.channelAccountId);
    if (!lastBill || lastBill.getTime() - p.receivedAt.getTime() < BILL_COVERAGE_LAG_MINUTES * 60_000) continue;
    const age = formatAge(minutesBetween(p.receivedAt, input.now));
    findings.push(
      make(
        p,
        -p.amount,
        "unconfirmed",
        {
          zh: `短款：${ch.zh}通知的收款 ${money(p.amount, p.currency)}（流水号 ${p.channelTransactionId}）${age.zh}后仍未出现在账单中`,
          en: `shortfall: the ${ch.en} notify of ${money(p.amount, p.currency)} (transaction ${p.channelTransactionId}) is still missing from the bills after ${age.en}`,
        },
        { lastStatementAt: lastBill.toISOString(), receivedAt: p.receivedAt.toISOString() },
      ),
    );
  }
  return findings;
}
