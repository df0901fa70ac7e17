import { describe, expect, it } from "vitest";
import { channelStatedShortfall, maxToleranceFen, parseToleranceRules, toleranceFor } from "@/lib/core/matching/tolerance";

const row = (actions: Record<string, unknown>, conditions: Record<string, unknown> = {}, enabled = true) => ({ name: "r", enabled, conditions, actions });

describe("tolerance rules", () => {
  it("parses valid rows and skips malformed or disabled ones", () => {
    const rules = parseToleranceRules([
      row({ maxShortfallFen: 200, cause: "bank_fee" }, { channels: ["bank"] }),
      row({ maxShortfallPercent: 0.6, cause: "channel_fee" }),
      row({ maxShortfallFen: 100, cause: "tip" }),
      row({ cause: "bank_fee" }),
      row({ maxShortfallFen: 100, cause: "bank_fee" }, {}, false),
      row({ maxShortfallFen: -5, cause: "bank_fee" }),
    ]);
    expect(rules).toEqual([
      { name: "r", channels: ["bank"], maxShortfallFen: 200, maxShortfallPercent: null, cause: "bank_fee" },
      { name: "r", channels: [], maxShortfallFen: null, maxShortfallPercent: 0.6, cause: "channel_fee" },
    ]);
  });

  it("applies absolute, percent and both limits, per channel", () => {
    const [bankFee] = parseToleranceRules([row({ maxShortfallFen: 200, cause: "bank_fee" }, { channels: ["bank"] })]);
    expect(toleranceFor([bankFee], "bank", 200, 10000)).toBe(bankFee);
    expect(toleranceFor([bankFee], "bank", 201, 10000)).toBeNull();
    expect(toleranceFor([bankFee], "alipay", 50, 10000)).toBeNull();
    expect(toleranceFor([bankFee], "bank", 0, 10000)).toBeNull();
    const [both] = parseToleranceRules([row({ maxShortfallFen: 500, maxShortfallPercent: 1, cause: "rounding" })]);
    expect(toleranceFor([both], "bank", 100, 10000)).toBe(both); // 1 % of ¥100 = ¥1
    expect(toleranceFor([both], "bank", 101, 10000)).toBeNull();
    expect(toleranceFor([both], "bank", 501, 1_000_000)).toBeNull(); // within 1 % but above ¥5
    expect(maxToleranceFen([bankFee, both], "bank", 10000)).toBe(200);
    expect(maxToleranceFen([], "bank", 10000)).toBe(0);
  });
});

describe("channelStatedShortfall", () => {
  it("reads WeChat promotion_detail: merchant coupon and WeChat-funded subsidy", () => {
    const details = {
      amount: { total: 10000, payer_total: 8500 },
      promotion_detail: [{ coupon_id: "c1", amount: 1500, merchant_contribute: 1000, wechatpay_contribute: 500, other_contribute: 0 }],
    };
    expect(channelStatedShortfall(8500, details)).toEqual({
      gross: 10000,
      parts: [
        { cause: "coupon", amount: 1000 },
        { cause: "platform_subsidy", amount: 500 },
      ],
    });
  });

  it("reads Alipay voucher_detail_list (yuan strings) and receipt_amount", () => {
    const list = [{ amount: "3.00", merchantContribute: "3.00", otherContribute: "0.00", type: "ALIPAY_BIZ_VOUCHER" }];
    expect(channelStatedShortfall(9700, { total_amount: 10000, voucher_detail_list: list })).toEqual({
      gross: 10000,
      parts: [{ cause: "coupon", amount: 300 }],
    });
    expect(channelStatedShortfall(9700, { total_amount: "100.00", receipt_amount: 9700 })).toEqual({ gross: 10000, parts: [{ cause: "coupon", amount: 300 }] });
  });

  it("states nothing when the parts do not explain the gap, or there is no gap", () => {
    expect(channelStatedShortfall(9000, { amount: { total: 10000 }, promotion_detail: [{ amount: 500 }] })).toBeNull();
    expect(channelStatedShortfall(10000, { amount: { total: 10000 } })).toBeNull();
    expect(channelStatedShortfall(9000, {})).toBeNull();
  });
});
