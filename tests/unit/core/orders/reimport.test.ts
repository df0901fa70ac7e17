import { describe, expect, it } from "vitest";
import { reimportOutcome, type HeldOrder, type PlatformCopy } from "@/lib/core/orders/reimport";

const held = (o: Partial<HeldOrder> = {}): HeldOrder => ({ amount: 12_800, status: "pending", paidAmount: 0, refundedAmount: 0, writtenOffAmount: 0, pushed: false, ...o });
const copy = (o: Partial<PlatformCopy> = {}): PlatformCopy => ({ platformOrderId: "4000000000000000101", amount: 12_800, paidAmount: null, platformStatus: "等待买家付款", closed: false, ...o });
const closedCopy = (o: Partial<PlatformCopy> = {}) => copy({ platformStatus: "交易关闭", closed: true, ...o });

describe("a platform order read again", () => {
  it("is the same when nothing we keep differs", () => {
    expect(reimportOutcome(held(), copy())).toEqual({ kind: "same" });
    expect(reimportOutcome(held({ status: "paid", paidAmount: 12_800 }), copy({ platformStatus: "交易成功" }))).toEqual({ kind: "same" });
  });

  it("closes an order the platform closed while no money is on it here, whatever amount the platform shows now", () => {
    expect(reimportOutcome(held(), closedCopy())).toEqual({ kind: "close" });
    expect(reimportOutcome(held(), closedCopy({ amount: 10_000 }))).toEqual({ kind: "close" });
  });

  it("leaves an order holding money open, and says so", () => {
    for (const h of [held({ status: "paid", paidAmount: 12_800 }), held({ status: "partially_paid", paidAmount: 5_000 }), held({ status: "partially_refunded", paidAmount: 12_800, refundedAmount: 2_800 })]) {
      const outcome = reimportOutcome(h, closedCopy());
      expect(outcome).toMatchObject({ kind: "changed", message: expect.stringMatching(/shows it 交易关闭, but \d+\.\d{2} is allocated to it here: not closed/) });
    }
    // Refunded here as on the platform: they agree.
    expect(reimportOutcome(held({ status: "refunded", paidAmount: 12_800, refundedAmount: 12_800 }), closedCopy())).toEqual({ kind: "same" });
  });

  it("is the same again when closed here (expired, or closed by an import before), so a second import changes nothing", () => {
    expect(reimportOutcome(held({ status: "closed" }), closedCopy({ amount: 10_000 }))).toEqual({ kind: "same" });
    expect(reimportOutcome(held({ status: "closed" }), copy({ amount: 10_000 }))).toEqual({ kind: "same" });
  });

  it("reports a changed amount naming both, without applying it", () => {
    expect(reimportOutcome(held(), copy({ amount: 13_000 }))).toEqual({
      kind: "changed",
      message: "order 4000000000000000101: the amount changed from 128.00 to 130.00 on the platform: not applied, the order keeps 128.00",
    });
  });

  it("takes a pushed order's amount (what the buyer paid) as the export's paid amount", () => {
    expect(reimportOutcome(held({ amount: 16_900, pushed: true }), copy({ amount: 17_900, paidAmount: 16_900 }))).toEqual({ kind: "same" });
    expect(reimportOutcome(held({ amount: 16_900 }), copy({ amount: 17_900, paidAmount: 16_900 }))).toMatchObject({ kind: "changed" });
  });
});
