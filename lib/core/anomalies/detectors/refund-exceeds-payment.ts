import { channelLabel, money } from "@/lib/core/anomalies/messages";
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
    // A refund is in its payment's currency; without the payment (not loaded) yuan, the usual one, as before.
    const currency = p?.currency ?? "CNY";
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
        zh: `${ch.zh}报告的退款 ${money(r.amount, currency)} 超过付款剩余可退金额${p ? `（付款 ${money(p.amount, currency)}，已退 ${money(p.refundedAmount, currency)}）` : ""}，已拒绝入账`,
        en: `${ch.en} reported a refund of ${money(r.amount, currency)}, more than is left of the payment${p ? ` (${money(p.amount, currency)}, ${money(p.refundedAmount, currency)} refunded)` : ""}; it was refused`,
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
        zh: `${ch.zh}付款 ${money(p.amount, p.currency)} 的退款合计 ${money(total, p.currency)}，超出 ${money(total - p.amount, p.currency)}`,
        en: `refunds of ${money(total, p.currency)} on a ${ch.en} payment of ${money(p.amount, p.currency)} exceed it by ${money(total - p.amount, p.currency)}`,
      },
      details: { refundedTotal: total },
    });
  }
  return [...findings.values()];
}
