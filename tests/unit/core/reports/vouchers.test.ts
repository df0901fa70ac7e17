import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildVouchers,
  DEFAULT_LEDGER_ACCOUNTS,
  KINGDEE_COLUMNS,
  kingdeeVoucherCsv,
  parseCsv,
  resolveLedgerAccounts,
  UTF8_BOM,
  voucherTotals,
  YONYOU_COLUMNS,
  yonyouVoucherCsv,
  type DailyFlow,
} from "@/lib/core/reports";

const day = (date: string, channel: string, gross: number, matched: number, refunded = 0, unmatchedRefunded = 0): DailyFlow => ({
  date,
  channel,
  count: 3,
  grossAmount: gross,
  refundCount: refunded ? 1 : 0,
  refundedAmount: refunded,
  netAmount: gross - refunded,
  matchedAmount: matched,
  unmatchedAmount: gross - matched,
  writtenOffAmount: 0,
  unmatchedRefundedAmount: unmatchedRefunded,
  writeOffs: [],
});

describe("记账凭证", () => {
  it("posts one voucher per day and channel: 借 channel account, 贷 receivable / suspense; refunds reversed", () => {
    const vouchers = buildVouchers([day("2024-03-02", "wechatpay", 9900, 0), day("2024-03-01", "alipay", 20000, 15000, 3000)], DEFAULT_LEDGER_ACCOUNTS);
    expect(vouchers.map((v) => [v.date, v.channel, v.number])).toEqual([
      ["2024-03-01", "alipay", 1],
      ["2024-03-02", "wechatpay", 2],
    ]);
    expect(vouchers[0].lines.map((l) => [l.account.code, l.account.name, l.debit, l.credit])).toEqual([
      ["101201", "其他货币资金-支付宝", 20000, 0],
      ["1122", "应收账款", 0, 15000],
      ["224101", "其他应付款-待确认收款", 0, 5000],
      ["1122", "应收账款", 3000, 0],
      ["101201", "其他货币资金-支付宝", 0, 3000],
    ]);
    expect(vouchers[1].lines.map((l) => l.account.code)).toEqual(["101202", "224101"]);
  });

  it("a refund of money no order held goes back out of 待确认, where it came in, not out of 应收账款", () => {
    // Day 1: ¥100 nobody claimed comes in. Day 2: it is given back, with ¥30 of an order's money.
    const [inflow, outflow] = buildVouchers([day("2024-03-01", "bank", 10000, 0), day("2024-03-02", "bank", 0, 0, 13000, 10000)], DEFAULT_LEDGER_ACCOUNTS);
    expect(inflow.lines.map((l) => [l.account.code, l.debit, l.credit])).toEqual([
      ["1002", 10000, 0],
      ["224101", 0, 10000],
    ]);
    expect(outflow.lines.map((l) => [l.account.code, l.debit, l.credit])).toEqual([
      ["1122", 3000, 0],
      ["224101", 10000, 0],
      ["1002", 0, 13000],
    ]);
    // Over both days the suspense account is back at zero and no receivable was made up.
    const net = (code: string) => [inflow, outflow].flatMap((v) => v.lines).filter((l) => l.account.code === code).reduce((s, l) => s + l.debit - l.credit, 0);
    expect(net("224101")).toBe(0);
    expect(net("1122")).toBe(3000);
  });

  it("closes the orders' receivable in full: each cause's write-off 借 its account, 贷 应收账款", () => {
    const d: DailyFlow = {
      ...day("2024-03-01", "alipay", 19400, 19400),
      writtenOffAmount: 600 + 60 + 3,
      writeOffs: [
        { cause: "coupon", count: 1, amount: 600 },
        { cause: "channel_fee", count: 2, amount: 60 },
        { cause: "unique_amount", count: 1, amount: 3 },
        { cause: "from_a_newer_release", count: 1, amount: 0 },
      ],
    };
    const [v] = buildVouchers([d], DEFAULT_LEDGER_ACCOUNTS);
    expect(v.lines.map((l) => [l.account.code, l.account.name, l.debit, l.credit, l.summary])).toEqual([
      ["101201", "其他货币资金-支付宝", 19400, 0, "2024-03-01 支付宝收款 3 笔"],
      ["1122", "应收账款", 0, 19400, "2024-03-01 支付宝收款-已匹配订单"],
      ["660101", "销售费用-优惠券", 600, 0, "2024-03-01 支付宝差额核销-优惠券 1 笔"],
      ["1122", "应收账款", 0, 600, "2024-03-01 支付宝差额核销-优惠券"],
      ["660301", "财务费用-手续费", 60, 0, "2024-03-01 支付宝差额核销-渠道手续费 2 笔"],
      ["1122", "应收账款", 0, 60, "2024-03-01 支付宝差额核销-渠道手续费"],
      ["660102", "销售费用-随机立减", 3, 0, "2024-03-01 支付宝差额核销-唯一金额立减 1 笔"],
      ["1122", "应收账款", 0, 3, "2024-03-01 支付宝差额核销-唯一金额立减"],
    ]);
    const t = voucherTotals(v);
    expect(t.debit).toBe(t.credit);
    // A merchant's own account for a cause; an unknown cause posts to the catch-all.
    const own = resolveLedgerAccounts({ ledgerAccounts: { writeOffDebit: { coupon: { code: "6001", name: "主营业务收入" }, rounding: { code: "" } } } });
    expect(own.writeOffDebit.coupon).toEqual({ code: "6001", name: "主营业务收入" });
    expect(own.writeOffDebit.rounding).toEqual(DEFAULT_LEDGER_ACCOUNTS.writeOffDebit.rounding);
    const [custom] = buildVouchers([{ ...d, writeOffs: [{ cause: "coupon", count: 1, amount: 600 }, { cause: "from_a_newer_release", count: 1, amount: 5 }] }], own);
    expect(custom.lines.filter((l) => l.debit > 0).map((l) => l.account.code)).toEqual(["101201", "6001", "660399"]);
  });

  it("restarts voucher numbers each accounting period and skips days without money", () => {
    const v = buildVouchers([day("2024-03-31", "bank", 100, 100), day("2024-04-01", "bank", 100, 100), day("2024-04-01", "alipay", 0, 0)], DEFAULT_LEDGER_ACCOUNTS);
    expect(v.map((x) => [x.period, x.number, x.lines[0].account.name])).toEqual([
      ["2024-03", 1, "银行存款"],
      ["2024-04", 1, "银行存款"],
    ]);
  });

  it("balances every voucher: debits = credits (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            d: fc.integer({ min: 1, max: 28 }),
            ch: fc.constantFrom("alipay", "wechatpay", "bank", "stripe", "somethingnew"),
            gross: fc.integer({ min: 0, max: 1e9 }),
            share: fc.double({ min: 0, max: 1, noNaN: true }),
            refunded: fc.integer({ min: 0, max: 1e8 }),
          }),
        ),
        (days) => {
          const daily = days.map((x) => day(`2024-03-${String(x.d).padStart(2, "0")}`, x.ch, x.gross, Math.floor(x.gross * x.share), x.refunded));
          for (const v of buildVouchers(daily, DEFAULT_LEDGER_ACCOUNTS)) {
            const t = voucherTotals(v);
            expect(t.debit).toBe(t.credit);
            expect(v.lines.every((l) => (l.debit === 0) !== (l.credit === 0))).toBe(true);
          }
        },
      ),
    );
  });

  it("takes the merchant's ledger accounts from settings and ignores malformed ones", () => {
    const accounts = resolveLedgerAccounts({
      ledgerAccounts: {
        channels: { alipay: { code: "100201", name: "银行存款-招行" }, wechatpay: { code: "", name: "x" } },
        matchedCredit: { code: "6001", name: "主营业务收入" },
        unmatchedCredit: "2241",
      },
    });
    expect(accounts.channels.alipay).toEqual({ code: "100201", name: "银行存款-招行" });
    expect(accounts.channels.wechatpay).toEqual(DEFAULT_LEDGER_ACCOUNTS.channels.wechatpay);
    expect(accounts.matchedCredit).toEqual({ code: "6001", name: "主营业务收入" });
    expect(accounts.unmatchedCredit).toEqual(DEFAULT_LEDGER_ACCOUNTS.unmatchedCredit);
    expect(resolveLedgerAccounts({})).toEqual(DEFAULT_LEDGER_ACCOUNTS);
  });

  it("writes the 金蝶 and 用友 import layouts with one line per entry and balanced columns", () => {
    const vouchers = buildVouchers([day("2024-03-01", "alipay", 20000, 15000, 3000)], DEFAULT_LEDGER_ACCOUNTS);
    const kd = kingdeeVoucherCsv(vouchers, { preparer: "张会计" });
    expect(kd.startsWith(UTF8_BOM)).toBe(true);
    const kRows = parseCsv(kd);
    expect(kRows[0]).toEqual([...KINGDEE_COLUMNS]);
    expect(kRows.slice(1).every((r) => r.length === KINGDEE_COLUMNS.length)).toBe(true);
    const col = (name: string) => KINGDEE_COLUMNS.indexOf(name as (typeof KINGDEE_COLUMNS)[number]);
    const sum = (rows: string[][], i: number) => rows.slice(1).reduce((s, r) => s + Math.round(Number(r[i]) * 100), 0);
    expect(sum(kRows, col("借方"))).toBe(23000);
    expect(sum(kRows, col("贷方"))).toBe(23000);
    expect(kRows[1][col("凭证字")]).toBe("记");
    expect(kRows[1][col("会计期间")]).toBe("3");
    expect(kRows[1][col("制单")]).toBe("张会计");

    const yy = parseCsv(yonyouVoucherCsv(vouchers, { preparer: "张会计" }));
    expect(yy[0]).toEqual([...YONYOU_COLUMNS]);
    expect(yy).toHaveLength(6);
    const y = (name: string) => YONYOU_COLUMNS.indexOf(name as (typeof YONYOU_COLUMNS)[number]);
    expect(sum(yy, y("借方金额"))).toBe(sum(yy, y("贷方金额")));
    expect(yy[1][y("科目名称")]).toBe("其他货币资金-支付宝");
  });
});
