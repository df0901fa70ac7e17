import { describe, expect, it } from "vitest";
import { detectAmountMismatch } from "@/lib/core/anomalies/detectors/amount-mismatch";
import { allocation, input, order, payment } from "./factories";

describe("detectAmountMismatch", () => {
  it("flags an order left partially paid with the shortfall as a write-off candidate", () => {
    const p = payment({ amount: 12750, channel: "alipay" });
    const o = order({ amount: 12800, status: "partially_paid", paidAmount: 12750 });
    const [f] = detectAmountMismatch(input({ payments: [p], orders: [o], allocations: [allocation(p, o)] }));
    expect(f).toMatchObject({
      kind: "amount_mismatch",
      subjectKey: `order:${o.id}`,
      orderId: o.id,
      paymentId: p.id,
      channel: "alipay",
      difference: -50,
      writeOffAmount: 50,
      severity: "low",
      fingerprint: "short:-50",
    });
    expect(f.message.zh).toContain("短少 ¥0.50");
  });

  it("counts an earlier partial write-off into the shortfall", () => {
    const o = order({ amount: 10000, status: "partially_paid", paidAmount: 9000, writtenOffAmount: 500 });
    expect(detectAmountMismatch(input({ orders: [o] }))[0]).toMatchObject({ difference: -500, writeOffAmount: 500 });
  });

  it("flags a tolerated write-off above the merchant limit unless it was accepted", () => {
    const o = order({ status: "paid", paidAmount: 12000, writtenOffAmount: 800 });
    const [f] = detectAmountMismatch(input({ orders: [o] }));
    expect(f).toMatchObject({ subjectKey: `order:${o.id}`, difference: -800, fingerprint: "writeoff:800" });
    expect(f.writeOffAmount).toBeUndefined();
    expect(detectAmountMismatch(input({ orders: [o], acceptedWriteOffs: new Map([[o.id, 800]]) }))).toEqual([]);
    expect(detectAmountMismatch(input({ orders: [order({ writtenOffAmount: 100, paidAmount: 12700 })] }))).toEqual([]);
  });

  it("reads details.amountMismatch set by the matching engine on money placed on no order, beyond the limit only", () => {
    const within = payment({ details: { amountMismatch: { difference: -80 } } });
    const beyond = payment({ details: { amountMismatch: { expected: 20000, received: 19000 } } });
    const unknown = payment({ details: { amountMismatch: true } });
    const found = detectAmountMismatch(input({ payments: [within, beyond, unknown] }));
    expect(found.map((f) => f.subjectKey).sort()).toEqual([`payment:${beyond.id}`, `payment:${unknown.id}`].sort());
    expect(found.find((f) => f.paymentId === beyond.id)).toMatchObject({ difference: -1000, orderId: null });
  });

  it("lets the order's own state speak once the flagged money is on it: a note left from matching reports nothing the order has since settled", () => {
    // Short at matching, then a write-off of it accepted: the order is paid.
    const short = payment({ amount: 19000, details: { amountMismatch: { expected: 20000, received: 19000 } } });
    const accepted = order({ amount: 20000, paidAmount: 19000, writtenOffAmount: 1000, status: "paid" });
    expect(detectAmountMismatch(input({ payments: [short], orders: [accepted], allocations: [allocation(short, accepted)], acceptedWriteOffs: new Map([[accepted.id, 1000]]) }))).toEqual([]);
    // Short at matching, then a second payment brought the rest.
    const first = payment({ amount: 6000, details: { amountMismatch: { difference: -4000 } } });
    const second = payment({ amount: 4000 });
    const paid = order({ amount: 10000, paidAmount: 10000, status: "paid" });
    expect(detectAmountMismatch(input({ payments: [first, second], orders: [paid], allocations: [allocation(first, paid, 6000), allocation(second, paid, 4000)] }))).toEqual([]);
    // Over at matching, then the surplus refunded: paid.
    const over = payment({ amount: 15000, refundedAmount: 5000, details: { amountMismatch: { difference: 5000 } } });
    const refunded = order({ amount: 10000, paidAmount: 10000, status: "paid" });
    expect(detectAmountMismatch(input({ payments: [over], orders: [refunded], allocations: [allocation(over, refunded, 10000)] }))).toEqual([]);
    // Still short: the order says so, once.
    const open = order({ amount: 10000, paidAmount: 6000, status: "partially_paid" });
    const stillShort = detectAmountMismatch(input({ payments: [first], orders: [open], allocations: [allocation(first, open, 6000)] }));
    expect(stillShort).toHaveLength(1);
    expect(stillShort[0]).toMatchObject({ subjectKey: `order:${open.id}`, fingerprint: "short:-4000" });
  });

  it("leaves a surplus flagged by matching to the overpayment detector when the order is overpaid", () => {
    const p = payment({ amount: 15000, details: { amountMismatch: { kind: "over", expected: 10000, received: 15000, difference: 5000 } } });
    const overpaid = order({ amount: 10000, status: "overpaid", paidAmount: 15000 });
    expect(detectAmountMismatch(input({ payments: [p], orders: [overpaid], allocations: [allocation(p, overpaid)] }))).toEqual([]);
    const unplaced = payment({ amount: 15000, details: { amountMismatch: { difference: 5000 } } });
    expect(detectAmountMismatch(input({ payments: [unplaced] }))).toHaveLength(1);
  });

  it("leaves paid and overpaid orders to other detectors", () => {
    expect(detectAmountMismatch(input({ orders: [order(), order({ status: "overpaid", paidAmount: 25600 })] }))).toEqual([]);
  });
});
