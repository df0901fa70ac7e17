import { channelLabel, formatAge, money } from "@/lib/core/anomalies/messages";
import { severityFor } from "@/lib/core/anomalies/severity";
import { minutesBetween, paymentSubject } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding } from "@/lib/core/anomalies/types";

/** Money that found no order (or only a suggestion nobody confirmed) for longer than the merchant allows. */
export function detectUnmatchedOverdue(input: DetectionInput): Finding[] {
  const thresholdMs = input.settings.unmatchedThresholdMinutes * 60_000;
  const findings: Finding[] = [];
  for (const p of input.payments) {
    if (p.status !== "unmatched" && p.status !== "suggested") continue;
    // Money that went back whole leaves nothing to reconcile (it may also be ignored as such).
    if (p.refundedAmount >= p.amount) continue;
    if (input.now.getTime() - p.receivedAt.getTime() <= thresholdMs) continue;
    const age = minutesBetween(p.receivedAt, input.now);
    const ch = channelLabel(p.channel);
    const waited = formatAge(age);
    const limit = formatAge(input.settings.unmatchedThresholdMinutes);
    const state = p.status === "suggested" ? { zh: "仅有待确认的建议", en: "only has unconfirmed suggestions" } : { zh: "未匹配到订单", en: "matches no order" };
    findings.push({
      kind: "unmatched_overdue",
      subjectKey: paymentSubject(p.id),
      fingerprint: paymentSubject(p.id),
      severity: severityFor("unmatched_overdue", p.amount),
      paymentId: p.id,
      orderId: null,
      channel: p.channel,
      amount: p.amount,
      difference: null,
      payerName: p.payerName,
      memo: p.memo,
      ageMinutes: age,
      message: {
        zh: `${ch.zh}收款 ${money(p.amount, p.currency)}（流水号 ${p.channelTransactionId}）已 ${waited.zh}${state.zh}（阈值 ${limit.zh}）`,
        en: `${ch.en} payment of ${money(p.amount, p.currency)} (transaction ${p.channelTransactionId}) ${state.en} after ${waited.en} (threshold ${limit.en})`,
      },
      details: { status: p.status, receivedAt: p.receivedAt.toISOString(), thresholdMinutes: input.settings.unmatchedThresholdMinutes },
    });
  }
  return findings;
}
