import { describe, expect, it } from "vitest";
import { detectRefundExceedsPayment } from "@/lib/core/anomalies/detectors/refund-exceeds-payment";
import { input, minutesAgo, payment } from "./factories";

describe("detectRefundExceedsPayment", () => {
  it("turns a refused refund into a high-severity anomaly on its payment, newest refusal wins", () => {
    const p = payment({ channel: "alipay", amount: 10000, refundedAmount: 6000 });
    const refusals = [
      { auditEventId: 7, paymentId: p.id, amount: 5000, reason: "refund 5000 exceeds…", at: minutesAgo(30) },
      { auditEventId: 9, paymentId: p.id, amount: 4500, reason: "refund 4500 exceeds…", at: minutesAgo(5) },
    ];
    const found = detectRefundExceedsPayment(input({ payments: [p], refusedRefunds: refusals }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: "refund_exceeds_payment", subjectKey: `payment:${p.id}`, severity: "high", fingerprint: "refused:9" });
    expect(found[0].message.zh).toContain("¥45.00");
  });

  it("flags refunds that add up above the payment, and not those that do not", () => {
    const over = payment({ amount: 10000 });
    const fine = payment({ amount: 10000 });
    const totals = new Map([
      [over.id, 10001],
      [fine.id, 10000],
    ]);
    const found = detectRefundExceedsPayment(input({ payments: [over, fine], refundTotals: totals }));
    expect(found.map((f) => f.paymentId)).toEqual([over.id]);
    expect(found[0]).toMatchObject({ difference: -1, fingerprint: "total:10001" });
  });
});
