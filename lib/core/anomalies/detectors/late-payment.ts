import { indexFacts } from "@/lib/core/anomalies/facts";
import { channelLabel, formatAge, money } from "@/lib/core/anomalies/messages";
import { severityFor } from "@/lib/core/anomalies/severity";
import { allocationSubject, minutesBetween } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding } from "@/lib/core/anomalies/types";

/**
 * Money placed on an order that had already expired or been closed when the payer paid: the goods
 * may be gone or the price changed, so someone decides whether to ship or refund.
 */
export function detectLatePayment(input: DetectionInput): Finding[] {
  const facts = indexFacts(input);
  const findings: Finding[] = [];
  for (const a of input.allocations) {
    const order = facts.orders.get(a.orderId);
    const payment = facts.payments.get(a.paymentId);
    if (!order || !payment) continue;
    const paidAt = payment.receivedAt.getTime();
    const deadline = [order.expiresAt, order.closedAt].filter((d): d is Date => d !== null).sort((x, y) => x.getTime() - y.getTime())[0];
    const late = deadline !== undefined && paidAt > deadline.getTime();
    if (!late && order.status !== "closed") continue;
    const after = deadline ? formatAge(minutesBetween(deadline, payment.receivedAt)) : null;
    const ch = channelLabel(payment.channel);
    findings.push({
      kind: "late_payment",
      subjectKey: allocationSubject(payment.id, order.id),
      fingerprint: allocationSubject(payment.id, order.id),
      severity: severityFor("late_payment", a.amount),
      paymentId: payment.id,
      orderId: order.id,
      channel: payment.channel,
      amount: a.amount,
      difference: null,
      payerName: payment.payerName,
      ageMinutes: minutesBetween(payment.receivedAt, input.now),
      message: after
        ? {
            zh: `${ch.zh}付款 ${money(a.amount, payment.currency)} 在订单 ${order.reference} 过期或关闭 ${after.zh}后才到账`,
            en: `${ch.en} payment of ${money(a.amount, payment.currency)} arrived ${after.en} after order ${order.reference} expired or closed`,
          }
        : {
            zh: `${ch.zh}付款 ${money(a.amount, payment.currency)} 计入了已关闭的订单 ${order.reference}`,
            en: `${ch.en} payment of ${money(a.amount, payment.currency)} was placed on closed order ${order.reference}`,
          },
      details: {
        reference: order.reference,
        receivedAt: payment.receivedAt.toISOString(),
        expiresAt: order.expiresAt?.toISOString() ?? null,
        closedAt: order.closedAt?.toISOString() ?? null,
      },
    });
  }
  return findings;
}
