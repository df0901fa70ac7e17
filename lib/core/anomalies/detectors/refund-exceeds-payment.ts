import { channelLabel, yuan } from "@/lib/core/anomalies/messages";
import { severityFor } from "@/lib/core/anomalies/severity";
import { minutesBetween, paymentSubject } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding } from "@/lib/core/anomalies/types";

/**
 * A refund larger than what is left of its payment: either the channel reported one and we refused
 * it (audit `refund.refused`, newest refusal wins), or the recorded refunds add up above the payment.
 */
export function detectRefundExceedsPayment(input: DetectionInput): Finding[] {
  const payments = new Map(input.payments.map((p) => [p.id, p]));
  const findings = new Map<string, Finding>();
  const refusals = [...input.refusedRefunds].sort((a, b) => a.auditEventId - b.auditEventId);
  for (const r of refusals) {
    const p = payments.get(r.paymentId);
    const ch = channelLabel(p?.channel ?? null);
    const amount = p?.amount ?? 0;
    findings.set(paymentSubject(r.paymentId), {
      kind: "refund_exceeds_payment",
      subjectKey: paymentSubject(r.paymentId),
      fingerprint: `refused:${r.auditEventId}`,
      severity: severityFor("refund_exceeds_payment", r.amount),
      paymentId: r.paymentId,
      orderId: null,
      channel: p?.channel ?? null,
      amount,
      difference: null,
      payerName: p?.payerName ?? null,
      ageMinutes: minutesBetween(r.at, input.now),
      message: {
        zh: `${ch.zh}报告的退款 ${yuan(r.amount)} 超过付款剩余可退金额${p ? `（付款 ${yuan(p.amount)}，已退 ${yuan(p.refundedAmount)}）` : ""}，已拒绝入账`,
        en: `${ch.en} reported a refund of ${yuan(r.amount)}, more than is left of the payment${p ? ` (${yuan(p.amount)}, ${yuan(p.refundedAmount)} refunded)` : ""}; it was refused`,
      },
      details: { refusedAmount: r.amount, reason: r.reason, auditEventId: r.auditEventId },
    });
  }
  for (const [paymentId, total] of input.refundTotals) {
    const p = payments.get(paymentId);
    if (!p || total <= p.amount) continue;
    const ch = channelLabel(p.channel);
    findings.set(paymentSubject(paymentId), {
      kind: "refund_exceeds_payment",
      subjectKey: paymentSubject(paymentId),
      fingerprint: `total:${total}`,
      severity: severityFor("refund_exceeds_payment", total - p.amount),
      paymentId,
      orderId: null,
      channel: p.channel,
      amount: p.amount,
      difference: p.amount - total,
      payerName: p.payerName,
      ageMinutes: minutesBetween(p.receivedAt, input.now),
      message: {
        zh: `${ch.zh}付款 ${yuan(p.amount)} 的退款合计 ${yuan(total)}，超出 ${yuan(total - p.amount)}`,
        en: `refunds of ${yuan(total)} on a ${ch.en} payment of ${yuan(p.amount)} exceed it by ${yuan(total - p.amount)}`,
      },
      details: { refundedTotal: total },
    });
  }
  return [...findings.values()];
}
