import { indexFacts } from "@/lib/core/anomalies/facts";
import { money } from "@/lib/core/anomalies/messages";
import { severityFor } from "@/lib/core/anomalies/severity";
import { minutesBetween, orderSubject } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding } from "@/lib/core/anomalies/types";

/**
 * An order that received more than it costs: status overpaid, or paid in full by two different
 * payments (the customer paid twice) with the surplus not yet refunded.
 */
export function detectOverpayment(input: DetectionInput): Finding[] {
  const facts = indexFacts(input);
  const findings: Finding[] = [];
  for (const order of input.orders) {
    const allocs = facts.byOrder.get(order.id) ?? [];
    const full = allocs.filter((a) => a.amount >= order.amount).map((a) => a.paymentId);
    const fullPayments = [...new Set(full)];
    const surplus = order.paidAmount - order.refundedAmount - order.amount;
    const paidTwice = fullPayments.length >= 2 && surplus > 0;
    if (order.status !== "overpaid" && !paidTwice) continue;
    const received = allocs
      .map((a) => facts.payments.get(a.paymentId))
      .filter((p) => p !== undefined)
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
    const latest = received[0] ?? null;
    // What is left to give back: the surplus net of refunds made so far.
    const extra = surplus;
    const why = paidTwice
      ? { zh: `订单 ${order.reference} 被 ${fullPayments.length} 笔付款重复全额支付`, en: `order ${order.reference} was paid in full by ${fullPayments.length} payments` }
      : { zh: `订单 ${order.reference} 多收`, en: `order ${order.reference} is overpaid` };
    findings.push({
      kind: "overpayment",
      subjectKey: orderSubject(order.id),
      fingerprint: `${orderSubject(order.id)}:${order.paidAmount}`,
      severity: severityFor("overpayment", extra),
      paymentId: latest?.id ?? null,
      orderId: order.id,
      channel: latest?.channel ?? null,
      amount: order.amount,
      difference: extra,
      payerName: latest?.payerName ?? null,
      ageMinutes: latest ? minutesBetween(latest.receivedAt, input.now) : 0,
      message: {
        zh: `${why.zh}：应收 ${money(order.amount, order.currency)}，实收 ${money(order.paidAmount, order.currency)}，多收 ${money(extra, order.currency)}`,
        en: `${why.en}: due ${money(order.amount, order.currency)}, received ${money(order.paidAmount, order.currency)}, ${money(extra, order.currency)} too much`,
      },
      details: { reference: order.reference, paymentIds: [...new Set(allocs.map((a) => a.paymentId))], fullPayments, paidAmount: order.paidAmount },
    });
  }
  return findings;
}
