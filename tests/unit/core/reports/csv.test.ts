import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MATCHED_COLUMNS, parseCsv, SUMMARY_COLUMNS, summaryLines, toCsv, UTF8_BOM, type Column } from "@/lib/core/reports";

describe("report CSV", () => {
  it("starts with the BOM, writes yuan with two decimals and labels the totals line 合计", () => {
    const totals = { count: 2, grossAmount: 123456, refundCount: 1, refundedAmount: 5, netAmount: 123451, matchedAmount: 100000, unmatchedAmount: 23456, writtenOffAmount: 120 };
    const csv = toCsv(SUMMARY_COLUMNS, summaryLines([{ channel: "alipay", ...totals }], totals));
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(["渠道", "收款笔数", "收款金额", "退款笔数", "退款金额", "净额", "已匹配金额", "未匹配金额", "差额核销"]);
    expect(rows[1]).toEqual(["支付宝", "2", "1234.56", "1", "0.05", "1234.51", "1000.00", "234.56", "1.20"]);
    expect(rows[2][0]).toBe("合计");
    expect(csv.split("\r\n")).toHaveLength(4);
  });

  it("keeps formula-looking text inert and times in the merchant's zone", () => {
    const row = {
      paymentId: "p",
      channel: "bank",
      channelTransactionId: "=HYPERLINK(\"http://x\")",
      receivedAt: "2024-03-01T00:00:05+08:00",
      paymentAmount: -50,
      orderReference: "LD1",
      orderNo: "A,B",
      orderSource: "web",
      orderAmount: 0,
      allocatedAmount: 1,
      matchMethod: "manual",
      confidence: 0.5,
      writtenOffAmount: 60,
      writeOffCauses: ["channel_fee", "coupon"],
    };
    const [, line] = parseCsv(toCsv(MATCHED_COLUMNS, [row]));
    expect(line[0]).toBe("2024-03-01 00:00:05");
    expect(line[1]).toBe("银行转账");
    expect(line[2]).toBe("'=HYPERLINK(\"http://x\")");
    expect(line[3]).toBe("-0.50");
    expect(line[5]).toBe("A,B");
    expect(line[8]).toBe("0.01");
    expect(line[9]).toBe("人工匹配");
    expect(line.slice(11, 13)).toEqual(["0.60", "渠道手续费、优惠券"]);
  });

  it("round-trips any text (property)", () => {
    const cols: Column<string[]>[] = [0, 1, 2].map((i) => ({ header: `c${i}`, kind: "text", width: 1, value: (r) => r[i] }));
    const safe = fc.string({ unit: fc.constantFrom("a", "中", ",", '"', "\n", "\r\n", " ", "文", "1") }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.tuple(safe, safe, safe), { minLength: 1, maxLength: 8 }), (rows) => {
        const parsed = parseCsv(toCsv(cols, rows));
        expect(parsed.slice(1)).toEqual(rows.map((r) => r.map((v) => v)));
      }),
    );
  });
});
