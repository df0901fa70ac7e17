// Every detector words money in the currency of the row it is about: yuan as always ("¥1,234.56"),
// another currency with its code and its own minor digits ("USD 12.80", "JPY 1,200"), never as ¥.
import { describe, expect, it } from "vitest";
import { detectAmountMismatch } from "@/lib/core/anomalies/detectors/amount-mismatch";
import { detectBillMismatch } from "@/lib/core/anomalies/detectors/bill-mismatch";
import { detectDuplicateVoucher } from "@/lib/core/anomalies/detectors/duplicate-voucher";
import { detectLatePayment } from "@/lib/core/anomalies/detectors/late-payment";
import { detectOverpayment } from "@/lib/core/anomalies/detectors/overpayment";
import { detectRefundExceedsPayment } from "@/lib/core/anomalies/detectors/refund-exceeds-payment";
import { detectUnmatchedOverdue } from "@/lib/core/anomalies/detectors/unmatched-overdue";
import { money } from "@/lib/core/anomalies/messages";
import type { Finding } from "@/lib/core/anomalies";
import { allocation, input, minutesAgo, NOW, order, payment } from "./factories";

const noYuan = (f: Finding) => {
  expect(f.message.zh).not.toMatch(/[¥￥]/);
  expect(f.message.en).not.toMatch(/[¥￥]/);
};

describe("money", () => {
  it("keeps yuan as anomaly messages always wrote it, and writes other currencies with their code", () => {
    expect(money(123456, "CNY")).toBe("¥1,234.56");
    expect(money(-50, "CNY")).toBe("-¥0.50");
    expect(money(1280, "USD")).toBe("USD 12.80");
    expect(money(1200, "JPY")).toBe("JPY 1,200");
    expect(money(-50, "EUR")).toBe("-EUR 0.50");
  });
});

describe("anomaly messages in the row's currency", () => {
  it("unmatched_overdue: a dollar payment", () => {
    const p = payment({ status: "unmatched", currency: "USD", amount: 1280, receivedAt: minutesAgo(3 * 24 * 60) });
    const [f] = detectUnmatchedOverdue(input({ payments: [p] }));
    expect(f.message.en).toContain("payment of USD 12.80");
    expect(f.message.zh).toContain("收款 USD 12.80");
    noYuan(f);
  });

  it("amount_mismatch: a yen order left short, and a dollar payment's recorded difference", () => {
    const o = order({ currency: "JPY", amount: 1500, paidAmount: 1200, status: "partially_paid" });
    const [short] = detectAmountMismatch(input({ orders: [o] }));
    expect(short.message.en).toBe(`order ${o.reference} is due JPY 1,500 but received JPY 1,200: JPY 300 short`);
    noYuan(short);
    const p = payment({ currency: "USD", status: "unmatched", allocatedAmount: 0, details: { amountMismatch: { difference: -500 } } });
    const [diff] = detectAmountMismatch(input({ payments: [p] }));
    expect(diff.message.en).toContain("differs from its order by -USD 5.00, above the USD 1.00 limit");
    noYuan(diff);
  });

  it("amount_mismatch: a write-off above the limit on a dollar order", () => {
    const o = order({ currency: "USD", amount: 10000, paidAmount: 9500, writtenOffAmount: 500, status: "paid" });
    const [f] = detectAmountMismatch(input({ orders: [o] }));
    expect(f.message.en).toContain("settled with USD 5.00 tolerated, above the USD 1.00 limit");
    noYuan(f);
  });

  it("overpayment: a euro order", () => {
    const o = order({ currency: "EUR", amount: 1000, paidAmount: 1500, status: "overpaid" });
    const [f] = detectOverpayment(input({ orders: [o] }));
    expect(f.message.en).toContain("due EUR 10.00, received EUR 15.00, EUR 5.00 too much");
    noYuan(f);
  });

  it("late_payment: a dollar payment on an expired order", () => {
    const o = order({ currency: "USD", expiresAt: minutesAgo(300) });
    const p = payment({ currency: "USD", amount: 1280, receivedAt: minutesAgo(60) });
    const [f] = detectLatePayment(input({ payments: [p], orders: [o], allocations: [allocation(p, o)] }));
    expect(f.message.en).toContain("payment of USD 12.80 arrived");
    noYuan(f);
  });

  it("refund_exceeds_payment: refused and summed refunds of a dollar payment", () => {
    const p = payment({ currency: "USD", amount: 1000, refundedAmount: 400 });
    const [refused] = detectRefundExceedsPayment(
      input({ payments: [p], refusedRefunds: [{ auditEventId: 1, paymentId: p.id, amount: 700, reason: "too much", at: minutesAgo(5) }] }),
    );
    expect(refused.message.en).toContain("a refund of USD 7.00, more than is left of the payment (USD 10.00, USD 4.00 refunded)");
    noYuan(refused);
    const [summed] = detectRefundExceedsPayment(input({ payments: [p], refundTotals: new Map([[p.id, 1200]]) }));
    expect(summed.message.en).toBe("refunds of USD 12.00 on a bank payment of USD 10.00 exceed it by USD 2.00");
    noYuan(summed);
  });

  it("bill_mismatch: surplus, shortfall and an unconfirmed notify in dollars", () => {
    const long = payment({ currency: "USD", details: { billMismatch: { difference: 200 } } });
    const short = payment({ currency: "USD", details: { billMismatch: { difference: -300 } } });
    const notify = payment({ currency: "USD", amount: 1280, origin: "notify", channelAccountId: "pp", receivedAt: minutesAgo(72 * 60) });
    const found = detectBillMismatch(input({ payments: [long, short, notify], lastStatementAt: new Map([["pp", minutesAgo(24 * 60)]]) }));
    expect(found.map((f) => f.message.en)).toEqual([
      expect.stringContaining("shows USD 2.00 more than recorded"),
      expect.stringContaining("shows USD 3.00 less than recorded"),
      expect.stringContaining("notify of USD 12.80"),
    ]);
    found.forEach(noYuan);
  });

  it("duplicate_voucher: each copy in its own currency", () => {
    const a = payment({ currency: "JPY", amount: 1200, channelTransactionId: "S1", statementId: "st-1", recordedAt: minutesAgo(60) });
    const b = payment({ currency: "JPY", amount: 1300, channelTransactionId: "S1", statementId: "st-2", recordedAt: minutesAgo(30) });
    const [f] = detectDuplicateVoucher(input({ payments: [a, b] }));
    expect(f.message.en).toContain("JPY 1,200 @");
    expect(f.message.en).toContain("JPY 1,300 @");
    noYuan(f);
  });

  it("yuan rows read exactly as before", () => {
    const p = payment({ status: "unmatched", amount: 123456, receivedAt: new Date(NOW.getTime() - 3 * 24 * 3600_000) });
    const [f] = detectUnmatchedOverdue(input({ payments: [p] }));
    expect(f.message.en).toContain("payment of ¥1,234.56");
  });
});
