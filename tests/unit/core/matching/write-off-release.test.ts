import { describe, expect, it } from "vitest";
import { releaseCoveredWriteOffs, type WriteOffRecord } from "@/lib/core/matching/write-off-release";

const record = (amount: number, source: WriteOffRecord["source"], paymentId = "p1"): WriteOffRecord => ({ paymentId, amount, cause: "bank_fee", source, at: "2026-11-28T01:00:00.000Z" });

describe("releaseCoveredWriteOffs", () => {
  it("keeps every write-off while the money placed leaves the shortfall it accepted", () => {
    const fee = record(1500, "rule");
    expect(releaseCoveredWriteOffs([fee], 10_000, 8_500)).toEqual({ kept: [fee], released: [] });
  });

  it("releases a fee accepted as missing once the customer sends it, in part when only part arrives", () => {
    const fee = record(1500, "rule");
    expect(releaseCoveredWriteOffs([fee], 10_000, 10_000)).toEqual({ kept: [], released: [{ record: fee, amount: 1500 }] });
    expect(releaseCoveredWriteOffs([fee], 10_000, 9_000)).toEqual({ kept: [{ ...fee, amount: 1000 }], released: [{ record: fee, amount: 500 }] });
    expect(releaseCoveredWriteOffs([record(50, "manual")], 12_800, 12_800).released).toHaveLength(1);
  });

  it("never releases a discount the channel stated or checkout asked, and gives way newest first", () => {
    const coupon = record(2000, "channel");
    const tail = record(1, "checkout");
    const older = record(300, "rule", "p1");
    const newer = record(200, "rule", "p2");
    // 100.00 order: 77.99 paid + coupon 20.00 + tail 0.01 + 3.00 + 2.00 accepted; then 5.00 more arrives: 82.99 placed.
    const { kept, released } = releaseCoveredWriteOffs([coupon, tail, older, newer], 10_000, 8_299);
    expect(released).toEqual([{ record: newer, amount: 200 }, { record: older, amount: 300 }]);
    expect(kept).toEqual([coupon, tail]);
    // A duplicate of the discounted amount releases no discount.
    expect(releaseCoveredWriteOffs([tail], 12_800, 2 * 12_799)).toEqual({ kept: [tail], released: [] });
  });
});
