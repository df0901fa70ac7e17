// 记账凭证 (accounting vouchers) from the daily fund flow, and the CSV layouts of the 金蝶 (Kingdee)
// and 用友 (Yonyou) voucher import templates.
//
// Posting: one voucher per local date and channel (凭证字 记, numbered from 1 in each month):
//   借 其他货币资金-<channel> (bank: 银行存款)   gross receipts of the day
//     贷 应收账款                               the part allocated to orders (matched)
//     贷 其他应付款-待确认收款                   the part not allocated yet (unmatched)
//   借 <the cause's account>                    shortfalls written off against that day's receipts
//     贷 应收账款                               (coupon, fee, unique-amount tail…), one line per cause
//   借 应收账款                                 refunds made that day
//     贷 其他货币资金-<channel>                  refunds made that day
// Every account is configurable per merchant (see resolveLedgerAccounts); a cash-basis merchant
// points matchedCredit at 6001 主营业务收入.
//
// Layouts: the column lists follow the vendors' voucher import Excel templates as commonly published
// (金蝶 KIS / K3 WISE 「凭证引入」: 凭证日期 … 现金流量; 用友 U8 / T+ 「凭证导入」: 制单日期 … 制单人), one
// line per entry, amounts in yuan with two decimals. They are NOT certified by either vendor, and
// template versions differ: a merchant should import one short period first, check it, and adjust
// account codes to their chart of accounts. Open the CSV in Excel and save as .xls/.xlsx when the
// import wizard asks for an Excel file; `encoding=gbk` serves wizards that read only GBK.
import { toYuanString } from "@/lib/core/money";
import type { WriteOffCause } from "@/lib/core/matching/types";
import { csvCell, csvField, UTF8_BOM } from "./csv";
import { channelLabel, writeOffCauseLabel } from "./labels";
import type { Column } from "./sections";
import type { DailyFlow } from "./types";

/** A ledger account (会计科目): code and full name as in the merchant's chart of accounts. */
export interface LedgerAccount {
  code: string;
  name: string;
}

/** Which accounts the vouchers post to. */
export interface LedgerAccounts {
  /** Debited with each channel's receipts (and credited with its refunds). */
  channels: Record<string, LedgerAccount>;
  /** Credited with money allocated to orders (应收账款, or 主营业务收入 for cash-basis books). */
  matchedCredit: LedgerAccount;
  /** Credited with money not (yet) allocated to any order: a suspense account until it is. */
  unmatchedCredit: LedgerAccount;
  /** Debited with refunds (reverses what matchedCredit recorded). */
  refundDebit: LedgerAccount;
  /**
   * Debited with the shortfalls written off on orders, per cause, and credited to matchedCredit so
   * the orders' receivables close in full. A cause not listed here posts to `other`.
   */
  writeOffDebit: Record<WriteOffCause | "other", LedgerAccount>;
}

// 企业会计准则 chart of accounts: 1002 银行存款, 1012 其他货币资金 (third-party payment balances),
// 1122 应收账款, 2241 其他应付款. Sub-account codes are the common 4-2 layout.
const other = (code: string, name: string): LedgerAccount => ({ code: `1012${code}`, name: `其他货币资金-${name}` });

/** Defaults used when `merchants.settings.ledgerAccounts` does not override them. */
export const DEFAULT_LEDGER_ACCOUNTS: LedgerAccounts = {
  channels: {
    alipay: other("01", "支付宝"),
    wechatpay: other("02", "微信支付"),
    unionpay: other("03", "银联"),
    douyin: other("04", "抖音支付"),
    doudian: other("05", "抖店"),
    stripe: other("06", "Stripe"),
    paypal: other("07", "PayPal"),
    other: other("99", "其他"),
    bank: { code: "1002", name: "银行存款" },
  },
  matchedCredit: { code: "1122", name: "应收账款" },
  unmatchedCredit: { code: "224101", name: "其他应付款-待确认收款" },
  refundDebit: { code: "1122", name: "应收账款" },
  // 6601 销售费用 for discounts the merchant gave, 6603 财务费用 for payment costs, 1221 其他应收款 for
  // what a platform still owes (its subsidy is settled to the merchant separately).
  writeOffDebit: {
    coupon: { code: "660101", name: "销售费用-优惠券" },
    platform_subsidy: { code: "122101", name: "其他应收款-平台补贴" },
    channel_fee: { code: "660301", name: "财务费用-手续费" },
    bank_fee: { code: "660301", name: "财务费用-手续费" },
    rounding: { code: "660302", name: "财务费用-抹零" },
    unique_amount: { code: "660102", name: "销售费用-随机立减" },
    other: { code: "660399", name: "财务费用-其他" },
  },
};

function asAccount(v: unknown): LedgerAccount | null {
  if (!v || typeof v !== "object") return null;
  const { code, name } = v as Record<string, unknown>;
  if (typeof code !== "string" || !/^[0-9A-Za-z.\-]{1,40}$/.test(code.trim())) return null;
  if (typeof name !== "string" || !name.trim() || name.length > 100) return null;
  return { code: code.trim(), name: name.trim() };
}

/**
 * The merchant's accounts: `settings.ledgerAccounts` = `{ channels?: { alipay?: { code, name } … },
 * matchedCredit?, unmatchedCredit?, refundDebit?, writeOffDebit?: { coupon?: { code, name } … } }`
 * over the defaults; malformed entries are ignored.
 */
export function resolveLedgerAccounts(settings: Record<string, unknown> | null | undefined): LedgerAccounts {
  const raw = settings?.ledgerAccounts;
  const o = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const overlay = <K extends string>(defaults: Record<K, LedgerAccount>, given: unknown): Record<K, LedgerAccount> => {
    const out = { ...defaults };
    if (given && typeof given === "object") {
      for (const [key, v] of Object.entries(given as Record<string, unknown>)) {
        const acc = asAccount(v);
        if (acc) out[key as K] = acc;
      }
    }
    return out;
  };
  return {
    channels: overlay(DEFAULT_LEDGER_ACCOUNTS.channels, o.channels),
    writeOffDebit: overlay(DEFAULT_LEDGER_ACCOUNTS.writeOffDebit, o.writeOffDebit),
    matchedCredit: asAccount(o.matchedCredit) ?? DEFAULT_LEDGER_ACCOUNTS.matchedCredit,
    unmatchedCredit: asAccount(o.unmatchedCredit) ?? DEFAULT_LEDGER_ACCOUNTS.unmatchedCredit,
    refundDebit: asAccount(o.refundDebit) ?? DEFAULT_LEDGER_ACCOUNTS.refundDebit,
  };
}

/** One entry (分录) of a voucher; exactly one of debit/credit is non-zero. */
export interface VoucherLine {
  summary: string;
  account: LedgerAccount;
  debit: number;
  credit: number;
}

/** One 记账凭证: a day's receipts and refunds of one channel. */
export interface Voucher {
  date: string;
  /** Accounting period `YYYY-MM`; voucher numbers restart each period. */
  period: string;
  word: string;
  number: number;
  channel: string;
  lines: VoucherLine[];
}

/**
 * One voucher per local date and channel with money movement: 借 channel account (receipts),
 * 贷 matchedCredit / unmatchedCredit; write-offs as 借 the cause's account / 贷 matchedCredit; refunds
 * as 借 refundDebit (money orders held) or unmatchedCredit (money none held) / 贷 channel account. Debits equal credits in every voucher because matched +
 * unmatched = gross and each write-off is posted to both sides.
 */
export function buildVouchers(daily: DailyFlow[], accounts: LedgerAccounts, word = "记"): Voucher[] {
  const vouchers: Voucher[] = [];
  const nextNumber = new Map<string, number>();
  const sorted = [...daily].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  for (const d of sorted) {
    if (d.grossAmount === 0 && d.refundedAmount === 0) continue;
    const cash = accounts.channels[d.channel] ?? accounts.channels.other ?? DEFAULT_LEDGER_ACCOUNTS.channels.other;
    const name = channelLabel(d.channel);
    const lines: VoucherLine[] = [];
    const add = (summary: string, account: LedgerAccount, debit: number, credit: number) => {
      if (debit !== 0 || credit !== 0) lines.push({ summary, account, debit, credit });
    };
    add(`${d.date} ${name}收款 ${d.count} 笔`, cash, d.grossAmount, 0);
    add(`${d.date} ${name}收款-已匹配订单`, accounts.matchedCredit, 0, d.matchedAmount);
    add(`${d.date} ${name}收款-待确认`, accounts.unmatchedCredit, 0, d.unmatchedAmount);
    for (const w of d.writeOffs) {
      const debit = accounts.writeOffDebit[w.cause as WriteOffCause] ?? accounts.writeOffDebit.other;
      add(`${d.date} ${name}差额核销-${writeOffCauseLabel(w.cause)} ${w.count} 笔`, debit, w.amount, 0);
      add(`${d.date} ${name}差额核销-${writeOffCauseLabel(w.cause)}`, accounts.matchedCredit, 0, w.amount);
    }
    // Money no order held goes back out of 待确认, where it came in; an order's money reverses the receivable.
    const unclaimed = d.unmatchedRefundedAmount ?? 0;
    add(`${d.date} ${name}退款 ${d.refundCount} 笔`, accounts.refundDebit, d.refundedAmount - unclaimed, 0);
    add(`${d.date} ${name}退款-未匹配收款退回`, accounts.unmatchedCredit, unclaimed, 0);
    add(`${d.date} ${name}退款`, cash, 0, d.refundedAmount);
    const period = d.date.slice(0, 7);
    const number = nextNumber.get(period) ?? 1;
    nextNumber.set(period, number + 1);
    vouchers.push({ date: d.date, period, word, number, channel: d.channel, lines });
  }
  return vouchers;
}

/** Debit and credit totals of a voucher. */
export function voucherTotals(v: Voucher): { debit: number; credit: number } {
  return v.lines.reduce((t, l) => ({ debit: t.debit + l.debit, credit: t.credit + l.credit }), { debit: 0, credit: 0 });
}

/** Options common to both layouts. */
export interface VoucherCsvOptions {
  /** 制单人: who prepared the vouchers. */
  preparer: string;
}

const money = (fen: number) => (fen === 0 ? "0.00" : toYuanString(fen));

// Free text (account names, summaries, the preparer: the merchant's own name) goes out as the report
// CSV's text cells do, so one starting like a formula ("=HYPERLINK(…)") stays text in Excel. Amounts,
// numbers and dates are written by us; account codes are [0-9A-Za-z.-] only (see asAccount), so one
// starting with "-" cannot call a function and is left as the chart of accounts spells it.
const TEXT_CELL: Column<string> = { header: "", kind: "text", width: 0, value: (s) => s };
const header = (columns: readonly string[]) => `${columns.map(csvField).join(",")}\r\n`;
/** One entry's line: its cells in column order, those of the `text` columns guarded. */
function line<C extends string>(columns: readonly C[], cells: Record<C, string | number>, text: ReadonlySet<C>): string {
  return `${columns.map((c) => (text.has(c) ? csvCell(TEXT_CELL, String(cells[c])) : csvField(String(cells[c])))).join(",")}\r\n`;
}

/** Column headers of the 金蝶 KIS / K3 WISE 凭证引入 template, in template order. */
export const KINGDEE_COLUMNS = [
  "凭证日期", "会计年度", "会计期间", "凭证字", "凭证号", "科目代码", "科目名称", "币别代码", "币别名称", "原币金额",
  "借方", "贷方", "制单", "审核", "核准", "出纳", "经办", "结算方式", "结算号", "凭证摘要", "数量", "数量单位", "单价",
  "参考信息", "业务日期", "往来业务编号", "附件数", "序号", "系统模块", "业务描述", "汇率类型", "汇率", "分录序号",
  "核算项目", "过账", "机制凭证", "现金流量",
] as const;

/** 金蝶 columns holding free text. */
const KINGDEE_TEXT = new Set<(typeof KINGDEE_COLUMNS)[number]>(["凭证字", "科目名称", "制单", "凭证摘要", "业务描述"]);

/** The vouchers in the 金蝶 凭证引入 layout: one line per entry, UTF-8 with BOM. */
export function kingdeeVoucherCsv(vouchers: Voucher[], opts: VoucherCsvOptions): string {
  let out = UTF8_BOM + header(KINGDEE_COLUMNS);
  vouchers.forEach((v, i) => {
    v.lines.forEach((l, j) => {
      const cells: Record<(typeof KINGDEE_COLUMNS)[number], string | number> = {
        凭证日期: v.date, 会计年度: v.period.slice(0, 4), 会计期间: Number(v.period.slice(5, 7)), 凭证字: v.word,
        凭证号: v.number, 科目代码: l.account.code, 科目名称: l.account.name, 币别代码: "RMB", 币别名称: "人民币",
        原币金额: money(l.debit || l.credit), 借方: money(l.debit), 贷方: money(l.credit), 制单: opts.preparer,
        审核: "", 核准: "", 出纳: "", 经办: "", 结算方式: "", 结算号: "", 凭证摘要: l.summary, 数量: 0, 数量单位: "",
        单价: 0, 参考信息: "", 业务日期: v.date, 往来业务编号: "", 附件数: 0, 序号: i + 1, 系统模块: "总账",
        业务描述: `${channelLabel(v.channel)}对账`, 汇率类型: "公司汇率", 汇率: 1, 分录序号: j + 1, 核算项目: "",
        过账: 0, 机制凭证: "", 现金流量: "",
      };
      out += line(KINGDEE_COLUMNS, cells, KINGDEE_TEXT);
    });
  });
  return out;
}

/** Column headers of the 用友 U8 / T+ 凭证导入 template, in template order. */
export const YONYOU_COLUMNS = [
  "制单日期", "凭证类别", "凭证编号", "附单据数", "摘要", "科目编码", "科目名称", "借方金额", "贷方金额", "币种", "汇率",
  "外币金额", "数量", "单价", "结算方式", "票号", "票号日期", "部门", "个人", "客户", "供应商", "项目", "业务员", "制单人",
] as const;

/** 用友 columns holding free text. */
const YONYOU_TEXT = new Set<(typeof YONYOU_COLUMNS)[number]>(["凭证类别", "摘要", "科目名称", "制单人"]);

/** The vouchers in the 用友 凭证导入 layout: one line per entry, UTF-8 with BOM. */
export function yonyouVoucherCsv(vouchers: Voucher[], opts: VoucherCsvOptions): string {
  let out = UTF8_BOM + header(YONYOU_COLUMNS);
  for (const v of vouchers) {
    for (const l of v.lines) {
      const cells: Record<(typeof YONYOU_COLUMNS)[number], string | number> = {
        制单日期: v.date, 凭证类别: v.word, 凭证编号: v.number, 附单据数: 0, 摘要: l.summary, 科目编码: l.account.code,
        科目名称: l.account.name, 借方金额: money(l.debit), 贷方金额: money(l.credit), 币种: "人民币", 汇率: 1,
        外币金额: "", 数量: "", 单价: "", 结算方式: "", 票号: "", 票号日期: "", 部门: "", 个人: "", 客户: "",
        供应商: "", 项目: "", 业务员: "", 制单人: opts.preparer,
      };
      out += line(YONYOU_COLUMNS, cells, YONYOU_TEXT);
    }
  }
  return out;
}
