import { describe, expect, it } from "vitest";
import { parseCmbCsv, parseIcbcCsv, parseStatement, StatementFormatError } from "@/lib/core/statements";
import { detectCnBankLayout } from "@/lib/core/statements/cn-bank-csv";
import { mapColumns } from "@/lib/core/statements/csv";
import { CMB_HEADER, CMB_SAMPLE, ICBC_SAMPLE, buildCsv, cmbCredit, toGbk } from "../../../fixtures/statements/cn-exports";

describe("cmb-csv (our GBK fixture)", () => {
  it("decodes GBK, skips the preamble and 合计 footer, maps columns by name and reads 1,234.56", () => {
    const r = parseStatement("cmb-csv", toGbk(CMB_SAMPLE));
    expect(r.lines.map((l) => [l.lineNo, l.direction, l.amount, l.bankSerial, l.bookedAt])).toEqual([
      [5, "credit", 880000, "K1234567890", "2024-05-01T02:23:45.000Z"],
      [6, "debit", 120000, "K1234567891", "2024-05-01T03:02:00.000Z"],
      [7, "credit", 123456, "K1234567892", "2024-05-02T01:15:10.000Z"],
    ]);
    expect(r.lines[0]).toMatchObject({
      currency: "CNY",
      payerName: "张三贸易有限公司",
      payerAccount: "6225880123456789",
      memo: "货款P7K2M9QX4D | 汇入",
      valueDate: "2024-05-01",
    });
    expect(r.lines[2].memo).toBe("订单 ld7k 2m9q x4, 谢谢 | 汇入");
    expect(r.lines[2].payerAccount).toBe("6217000000000002");
    expect(r.rejected).toEqual([{ line: 8, message: expect.stringContaining("20241301") }]);
  });

  it("columns in another order, with a BOM, LF endings and a 备注 column, read the same", () => {
    const header = ["流水号", "备注", "贷方金额", "借方金额", "交易时间", "交易日期", "收(付)方名称"];
    const text = `\uFEFF${buildCsv(header, [{ 流水号: "S1", 备注: "货款 ABC", 贷方金额: "1,000,000.01", 交易时间: "235959", 交易日期: "2024/02/29", "收(付)方名称": "某公司" }], { eol: "\n" })}`;
    const r = parseCmbCsv(text);
    expect(r.rejected).toEqual([]);
    expect(r.lines).toMatchObject([{ amount: 100000001, bankSerial: "S1", memo: "货款 ABC", bookedAt: "2024-02-29T15:59:59.000Z", payerName: "某公司" }]);
  });

  it("rows filling both or neither amount column are rejected", () => {
    const r = parseCmbCsv(
      buildCsv(CMB_HEADER, [
        { ...cmbCredit({ date: "20240501", time: "10:00:00", credit: "1.00", serial: "A", memo: "", payer: "", account: "" }), 借方金额: "1.00" },
        { ...cmbCredit({ date: "20240501", time: "10:00:00", credit: "", serial: "B", memo: "", payer: "", account: "" }) },
        cmbCredit({ date: "20240501", time: "10:00:00", credit: "abc", serial: "C", memo: "", payer: "", account: "" }),
      ]),
    );
    expect(r.lines).toEqual([]);
    expect(r.rejected.map((x) => x.line)).toEqual([2, 3, 4]);
    expect(r.rejected[2].message).toContain("abc");
  });

  it("a file without the CMB header is a StatementFormatError", () => {
    expect(() => parseCmbCsv("日期,金额\n2024-01-01,1.00\n")).toThrow(StatementFormatError);
  });
});

describe("icbc-csv (our GBK fixture)", () => {
  it("reads ICBC timestamps, 借/贷 and 贷方发生额, and joins 附言/用途/摘要", () => {
    const r = parseStatement("icbc-csv", toGbk(ICBC_SAMPLE));
    expect(r.lines.map((l) => [l.direction, l.amount, l.bankSerial, l.bookedAt, l.memo])).toEqual([
      ["credit", 1280000, "0012345601", "2024-05-01T02:23:45.000Z", "LD7K2M9QX4 | 货款 | 跨行汇款"],
      ["debit", 30000, "0012345602", "2024-05-01T03:00:00.000Z", "手续费"],
      ["credit", 50, "0012345603", "2024-05-02T00:00:00.000Z", "测试"],
    ]);
    expect(r.lines[0]).toMatchObject({ payerName: "杭州某某电子商务有限公司", payerAccount: "6222020200112233445" });
    expect(r.rejected).toEqual([{ line: 5, message: "no debit or credit amount" }]);
  });

  it("an amount + 借/贷 flag layout without separate columns works, and an unknown flag is rejected", () => {
    const header = ["凭证号", "交易时间", "借/贷", "发生额", "对方单位名称", "附言"];
    const text = buildCsv(header, [
      { 凭证号: "1", 交易时间: "2024-05-01 10:00:00", "借/贷": "贷", 发生额: "5.00", 附言: "x" },
      { 凭证号: "2", 交易时间: "2024-05-01 10:00:00", "借/贷": "借", 发生额: "6.00" },
      { 凭证号: "3", 交易时间: "2024-05-01 10:00:00", "借/贷": "?", 发生额: "5.00" },
    ]);
    const r = parseIcbcCsv(text);
    expect(r.lines.map((l) => [l.direction, l.amount, l.bankSerial])).toEqual([
      ["credit", 500, "1"],
      ["debit", 600, "2"],
    ]);
    expect(r.rejected).toEqual([{ line: 4, message: expect.stringContaining("借 nor 贷") }]);
  });
});

describe("headers with a note after the name", () => {
  it("a note names the column only when one header has that name: 金额(借) beside 金额(贷) is neither 金额", () => {
    expect(mapColumns(["交易金额(元)", "余额"], { amount: ["交易金额", "金额"] })).toEqual({ amount: 0 });
    expect(mapColumns(["金额(借)", "金额(贷)"], { amount: ["金额"] })).toEqual({ amount: -1 });
    expect(mapColumns(["金额(借)", "金额"], { amount: ["金额"] })).toEqual({ amount: 1 });
  });

  it("建设银行-style 贷方发生额（收入）, 借方发生额（支取） and 交易金额(元) are the columns they name", () => {
    const header = ["交易时间", "借方发生额（支取）", "贷方发生额（收入）", "余额", "币种", "对方户名", "对方账号", "记账日期", "摘要", "备注", "凭证号"];
    const row = ["2026-11-24 10:23:45", "", "8,800.00", "152,340.12", "人民币", "杭州禾木家居有限公司", "6225880123456789", "20261124", "货款", "LD7K2M9QX4", "C0001"];
    const r = parseIcbcCsv([header.join(","), row.map((v) => (v.includes(",") ? `"${v}"` : v)).join(",")].join("\n"));
    expect(r.rejected).toEqual([]);
    expect(r.lines).toMatchObject([{ direction: "credit", amount: 880000, bookedDate: "2026-11-24", payerName: "杭州禾木家居有限公司", bankSerial: "C0001" }]);
    expect(r.lines[0].memo).toContain("LD7K2M9QX4");
    expect(detectCnBankLayout(header.join(","))).toBe("icbc-csv");
    const signed = parseIcbcCsv(["凭证号,交易日期,交易金额(元),借/贷,对方户名", "C0002,2026-11-25,128.00,贷,李四", "C0003,2026-11-25,30.00,借,房东"].join("\n"));
    expect(signed.lines.map((l) => [l.bankSerial, l.direction, l.amount])).toEqual([
      ["C0002", "credit", 12800],
      ["C0003", "debit", 3000],
    ]);
  });
});

describe("bank CSV: currencies, padded cells and subtotals", () => {
  const header = ["交易日期", "交易时间", "借方金额", "贷方金额", "余额", "币种", "摘要", "流水号", "收(付)方名称"];
  const row = (o: Partial<Record<string, string>>) => ({ 交易日期: "20240501", 交易时间: "10:23:45", 贷方金额: "100.00", 币种: "", 摘要: "货款", 流水号: "K1", "收(付)方名称": "张三", ...o });

  it("a yen account's 10,000 is 10000 yen, not a million; currency names and ISO numbers are read", () => {
    const r = parseCmbCsv(
      buildCsv(header, [
        row({ 贷方金额: "10,000", 币种: "日元", 流水号: "J1" }),
        row({ 贷方金额: "10,000.00", 币种: "JPY", 流水号: "J2" }),
        row({ 贷方金额: "12.50", 币种: "人民币元", 流水号: "C1" }),
        row({ 贷方金额: "12.50", 币种: "156", 流水号: "C2" }),
        row({ 贷方金额: "9.99", 币种: "美金", 流水号: "U1" }),
        row({ 贷方金额: "10.50", 币种: "日元", 流水号: "J3" }),
      ]),
    );
    expect(r.lines.map((l) => [l.bankSerial, l.amount, l.currency])).toEqual([
      ["J1", 10000, "JPY"],
      ["J2", 10000, "JPY"],
      ["C1", 1250, "CNY"],
      ["C2", 1250, "CNY"],
      ["U1", 999, "USD"],
    ]);
    // Yen has no fractions: 10.50 yen is no amount a bank books.
    expect(r.rejected).toEqual([{ line: 7, message: expect.stringContaining("JPY") }]);
  });

  it("cells padded with a tab (inside quotes or before the comma) are still comma-separated, however many rows", () => {
    const cells = (i: number) => ["20240501", "10:23:45", "", "800.00", "340.12", "", "货款", `K${i}`, "张三贸易有限公司"];
    const quoted = [header.join(","), ...Array.from({ length: 40 }, (_, i) => cells(i).map((c) => `"${c}\t"`).join(","))].join("\r\n");
    const bare = [header.join(","), ...Array.from({ length: 40 }, (_, i) => cells(i).map((c) => `${c}\t`).join(","))].join("\r\n");
    for (const text of [quoted, bare]) {
      const r = parseStatement("auto", toGbk(text));
      expect(r.format).toBe("cmb-csv");
      expect(r.lines).toHaveLength(40);
      expect(r.lines[39]).toMatchObject({ amount: 80000, bankSerial: "K39", payerName: "张三贸易有限公司" });
    }
  });

  it("a day's subtotal that starts with the date is no payment; a payment whose memo says 合计 still is", () => {
    const r = parseCmbCsv(
      buildCsv(header, [
        row({ 流水号: "K1", 贷方金额: "100.00" }),
        row({ 流水号: "K2", 贷方金额: "200.00", 摘要: "合计货款" }),
        row({ 交易时间: "", 流水号: "", 贷方金额: "300.00", 摘要: "本日合计", "收(付)方名称": "" }),
      ]),
    );
    expect(r.lines.map((l) => [l.bankSerial, l.amount])).toEqual([
      ["K1", 10000],
      ["K2", 20000],
    ]);
    expect(r.rejected).toEqual([]);
    // A file without serials cannot tell a subtotal from a payment whose memo starts 合计: every line is kept.
    const noSerials = parseCmbCsv(
      buildCsv(["交易日期", "交易时间", "贷方金额", "摘要", "对方户名"], [
        { 交易日期: "20240501", 交易时间: "10:00:00", 贷方金额: "30.00", 摘要: "合计3单货款", 对方户名: "张三" },
        { 交易日期: "20240501", 交易时间: "11:00:00", 贷方金额: "40.00", 摘要: "货款", 对方户名: "累计优惠客户" },
      ]),
    );
    expect(noSerials.lines.map((l) => l.amount)).toEqual([3000, 4000]);
  });
});

describe("other banks' headers read by name", () => {
  it("a 记账日期 + 贷方发生额 export with 交易流水号 is a bank statement", () => {
    const text = buildCsv(["记账日期", "交易时间", "借方发生额", "贷方发生额", "余额", "交易流水号", "对方户名", "对方账号", "摘要"], [
      { 记账日期: "2024-05-01", 交易时间: "09:30:00", 贷方发生额: "1,280.00", 余额: "1", 交易流水号: "N1", 对方户名: "杭州禾木家居有限公司", 对方账号: "6222 0202 0011 5566", 摘要: "货款 LD7K2M9QX4" },
      { 记账日期: "2024-05-01", 交易时间: "10:00:00", 借方发生额: "50.00", 余额: "1", 交易流水号: "N2", 对方户名: "某供应商", 摘要: "付款" },
    ]);
    const r = parseStatement("auto", toGbk(text));
    expect(r.format).toBe("cmb-csv");
    expect(r.lines.map((l) => [l.direction, l.amount, l.bankSerial, l.payerName, l.payerAccount, l.bookedAt])).toEqual([
      ["credit", 128000, "N1", "杭州禾木家居有限公司", "6222020200115566", "2024-05-01T01:30:00.000Z"],
      ["debit", 5000, "N2", "某供应商", null, "2024-05-01T02:00:00.000Z"],
    ]);
  });

  it("中国银行's bilingual headers (交易日期[ Transaction Date ]) with one signed amount: the payer of a credit is the other side", () => {
    const header = ["交易日期[ Transaction Date ]", "交易时间[ Transaction time ]", "交易金额[ Trade Amount ]", "交易后余额[ After-transaction balance ]", "付款人名称[ Payer's Name ]", "付款人账号[ Payer's Account Number ]", "收款人名称[ Payee's Name ]", "附言[ Remark ]"];
    const text = buildCsv(header, [
      { [header[0]]: "20240501", [header[1]]: "11:02:03", [header[2]]: "+299.00", [header[3]]: "1", [header[4]]: "王秀英", [header[5]]: "6217000000000009", [header[6]]: "链动小铺", [header[7]]: "货款 LD7K2M9QX4" },
      { [header[0]]: "20240501", [header[1]]: "12:00:00", [header[2]]: "-20.00", [header[3]]: "1", [header[4]]: "链动小铺", [header[6]]: "顺丰速运", [header[7]]: "运费" },
    ]);
    const r = parseStatement("auto", toGbk(text));
    expect(r.format).toBe("cmb-csv");
    expect(r.lines.map((l) => [l.direction, l.amount, l.payerName, l.memo])).toEqual([
      ["credit", 29900, "王秀英", "货款 LD7K2M9QX4"],
      ["debit", 2000, "链动小铺", "运费"],
    ]);
  });
});
