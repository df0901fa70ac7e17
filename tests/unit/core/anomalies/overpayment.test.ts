import { describe, expect, it } from "vitest";
import { detectOverpayment } from "@/lib/core/anomalies/detectors/overpayment";
import { allocation, input, minutesAgo, order, payment } from "./factories";

describe("detectOverpayment", () => {
  it("flags an order paid in full by two payments, pointing at the later one", () => {
    const first = payment({ channel: "alipay", receivedAt: minutesAgo(90) });
    const second = payment({ channel: "alipay", receivedAt: minutesAgo(10) });
    const o = order({ status: "overpaid", paidAmount: 25600 });
    const [f] = detectOverpayment(input({ payments: [first, second], orders: [o], allocations: [allocation(first, o), allocation(second, o)] }));
    expect(f).toMatchObject({ kind: "overpayment", subjectKey: `order:${o.id}`, paymentId: second.id, difference: 12800, severity: "medium" });
    expect(f.message.zh).toContain("重复全额支付");
    expect(f.details).toMatchObject({ fullPayments: [first.id, second.id] });
  });

  it("flags a single payment above the order amount as overpaid", () => {
    const p = payment({ amount: 15000 });
    const o = order({ amount: 10000, status: "overpaid", paidAmount: 15000 });
    const [f] = detectOverpayment(input({ payments: [p], orders: [o], allocations: [allocation(p, o)] }));
    expect(f).toMatchObject({ difference: 5000 });
    expect(f.message.en).toContain("overpaid");
  });

  it("still flags a double payment after a partial refund that left a surplus, not after the surplus was refunded", () => {
    const a = payment();
    const b = payment();
    const allocs = (o: ReturnType<typeof order>) => [allocation(a, o), allocation(b, o)];
    const partly = order({ status: "partially_refunded", paidAmount: 25600, refundedAmount: 5000 });
    const fully = order({ status: "partially_refunded", paidAmount: 25600, refundedAmount: 12800 });
    expect(detectOverpayment(input({ payments: [a, b], orders: [partly], allocations: allocs(partly) }))).toHaveLength(1);
    expect(detectOverpayment(input({ payments: [a, b], orders: [fully], allocations: allocs(fully) }))).toEqual([]);
  });

  it("does not flag an order paid exactly, even in two parts", () => {
    const a = payment({ amount: 6400 });
    const b = payment({ amount: 6400 });
    const o = order();
    expect(detectOverpayment(input({ payments: [a, b], orders: [o], allocations: [allocation(a, o), allocation(b, o)] }))).toEqual([]);
  });
});
