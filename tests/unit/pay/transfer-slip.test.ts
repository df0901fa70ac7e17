import { describe, expect, it } from "vitest";
import { transferSlipText } from "@/components/pay/transfer-slip";

const bank = { channel: "bank" as const, name: "对公账户", bankName: "招商银行上海分行", accountNo: "6225880123456789", accountName: "上海链动小铺商贸有限公司", memo: "Y02V0BZ3R7" };

describe("transfer slip", () => {
  it("writes yuan as 元 and any other currency in its own units with its code", () => {
    expect(transferSlipText(bank, 12_799, "CNY")).toContain("金额：127.99 元");
    expect(transferSlipText(bank, 1_280, "USD")).toContain("金额：12.80 USD");
    // Yen have no minor digits: 1500 is 1,500 yen, never 15.00.
    expect(transferSlipText(bank, 1_500, "JPY")).toContain("金额：1500 JPY");
    expect(transferSlipText(bank, 1_500, "JPY")).not.toContain("元");
  });
});
