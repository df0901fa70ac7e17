import { indexFacts, isFlagged, mainPayment, readDifference } from "@/lib/core/anomalies/facts";
import { money } from "@/lib/core/anomalies/messages";
import { severityFor } from "@/lib/core/anomalies/severity";
import { minutesBetween, orderSubject, paymentSubject } from "@/lib/core/anomalies/subjects";
import type { DetectionInput, Finding, OrderFacts, PaymentFacts } from "@/lib/core/anomalies/types";

/**
 * Money placed on an order that does not add up to it: a shortfall left open (partially_paid),
 * a write-off larger than the merchant's limit that nobody accepted, or a difference the matching
 * engine recorded on a payment (`details.amountMismatch`) beyond the limit while the payment is on no
 * order. Surpluses are the `overpayment` detector's.
 */
export function detectAmountMismatch(input: DetectionInput): Finding[] {
  const facts = indexFacts(input);
  const limit = input.settings.differenceLimit;
  const findings = new Map<string, Finding>();

  const finding = (order: OrderFacts | null, payment: PaymentFacts | null, difference: number, why: { zh: string; en: string }, fingerprint: string, details: Record<string, unknown>): Finding => ({
    kind: "amount_mismatch",
    subjectKey: order ? orderSubject(order.id) : paymentSubject(payment!.id),
    fingerprint,
    severity: severityFor("amount_mismatch", difference),
    paymentId: payment?.id ?? null,
    orderId: order?.id ?? null,
    channel: payment?.channel ?? null,
    amount: order?.amount ?? payment?.amount ?? 0,
    difference,
    payerName: payment?.payerName ?? null,
    ageMinutes: payment ? minutesBetween(payment.receivedAt, input.now) : 0,
    message: why,
    details,
  });

  for (const order of input.orders) {
    const payment = mainPayment(facts.byOrder.get(order.id), facts.payments);
    if (order.status === "partially_paid") {
      const difference = order.paidAmount + order.writtenOffAmount - order.amount;
      const f = finding(
        order,
        payment,
        difference,
        {
          zh: `订单 ${order.reference} 应收 ${money(order.amount, order.currency)}，实收 ${money(order.paidAmount, order.currency)}，短少 ${money(-difference, order.currency)}`,
          en: `order ${order.reference} is due ${money(order.amount, order.currency)} but received ${money(order.paidAmount, order.currency)}: ${money(-difference, order.currency)} short`,
        },
        `short:${difference}`,
        { orderAmount: order.amount, paidAmount: order.paidAmount, writtenOffAmount: order.writtenOffAmount, reference: order.reference },
      );
      findings.set(f.subjectKey, { ...f, writeOffAmount: -difference });
      continue;
    }
    const accepted = input.acceptedWriteOffs.get(order.id) ?? 0;
    if (order.writtenOffAmount > Math.max(limit, accepted)) {
      const f = finding(
        order,
        payment,
        -order.writtenOffAmount,
        {
          zh: `订单 ${order.reference} 已按容差核销 ${money(order.writtenOffAmount, order.currency)}，超过差额上限 ${money(limit, order.currency)}`,
          en: `order ${order.reference} was settled with ${money(order.writtenOffAmount, order.currency)} tolerated, above the ${money(limit, order.currency)} limit`,
        },
        `writeoff:${order.writtenOffAmount}`,
        { orderAmount: order.amount, paidAmount: order.paidAmount, writtenOffAmount: order.writtenOffAmount, limit, reference: order.reference },
      );
      findings.set(f.subjectKey, f);
    }
  }

  for (const payment of input.payments) {
    const flag = payment.details.amountMismatch;
    if (!isFlagged(flag)) continue;
    // Once the money is on orders, their own state says whether anything is still wrong: a shortfall left open
    // or written off beyond the limit (above), a surplus (overpayment). The note the engine left on the payment
    // stays as it was when a second payment, a refund or a rule has settled the order since.
    if ((facts.byPayment.get(payment.id) ?? []).length > 0) continue;
    const difference = readDifference(flag);
    if (difference !== null && Math.abs(difference) <= limit) continue;
    const f = finding(
      null,
      payment,
      difference ?? 0,
      difference === null
        ? { zh: `付款 ${payment.channelTransactionId} 的金额与订单不符`, en: `payment ${payment.channelTransactionId} does not match its order's amount` }
        : {
            zh: `付款 ${payment.channelTransactionId} 与订单金额相差 ${money(difference, payment.currency)}，超过差额上限 ${money(limit, payment.currency)}`,
            en: `payment ${payment.channelTransactionId} differs from its order by ${money(difference, payment.currency)}, above the ${money(limit, payment.currency)} limit`,
          },
      `payment:${payment.id}:${difference ?? "unknown"}`,
      { amountMismatch: flag, limit },
    );
    findings.set(f.subjectKey, f);
  }
  return [...findings.values()];
}
