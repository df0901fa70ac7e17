// Why an import left a line out, in the reader's language. The statement and order-export parsers write
// their reasons in English around the file's own column names and values (`贷方金额: "abc" is not an
// amount`, `date "2026-11-31" is not a date`); the common ones are translated here, and any other keeps
// the parser's text as the detail under a localized label.
import { createTranslator } from "next-intl";
import type { Locale, Messages } from "@/lib/i18n/messages";

export interface RejectedReason {
  /** The reason as a sentence in the reader's language. */
  text: string;
  /** The parser's own text, shown beside `text` when it was not translated. */
  detail: string | null;
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

// A column as the parser names it: the file's header ("贷方金额"), an MT940 tag (":61: value date") or a parser word ("date").
function columnLabel(raw: string, messages: Messages): string {
  const column = raw.replace(/^:\d+[A-Z]?:\s*/, "").replace(/:\s*$/, "").trim();
  return messages.imports.reasons.columns[column] ?? column;
}

type Words = { zh: string; en: string };
type Column = (raw: string | undefined) => string;

/**
 * The parsers' rarer reasons (a state or type a bill row has that is neither a payment nor a refund, a
 * camt or MT940 structure error) and the import's own refund reasons, worded in both languages side by
 * side: each is specific to one file format and reads best with that format's terms kept beside the words.
 * `zero amount` and the like are matched above; these are tried only after them.
 */
const MORE_REASONS: readonly { pattern: RegExp; words: (m: RegExpExecArray, col: Column) => Words }[] = [
  {
    pattern: /^(.+?): ([A-Z]{3}) amounts with (\d+) minor digits are not supported$/,
    words: (m, col) => ({ zh: `${col(m[1])}：不支持 ${m[2]}（${m[3]} 位小数）的金额`, en: `${col(m[1])}: ${m[2]} amounts (${m[3]} decimal places) are not supported` }),
  },
  {
    pattern: /^交易状态 "(.*)" is neither SUCCESS nor REFUND$/,
    words: (m) => ({
      zh: `交易状态“${m[1]}”既不是支付成功（SUCCESS）也不是退款（REFUND），不导入`,
      en: `transaction status "${m[1]}" is neither SUCCESS (paid) nor REFUND: not imported`,
    }),
  },
  {
    pattern: /^退款状态 (.+): only successful refunds are recorded$/,
    words: (m) => ({ zh: `退款状态为 ${m[1]}：只记录退款成功的退款`, en: `refund status ${m[1]}: only successful refunds are recorded` }),
  },
  {
    pattern: /^业务类型 "(.*)" is neither 交易 nor 退款$/,
    words: (m) => ({ zh: `业务类型“${m[1]}”既不是交易也不是退款，不导入`, en: `business type "${m[1]}" is neither 交易 (payment) nor 退款 (refund): not imported` }),
  },
  {
    pattern: /^debit\/credit flag "(.*)" is neither 借 nor 贷$/,
    words: (m) => ({ zh: `借贷标志“${m[1]}”既不是借也不是贷`, en: `debit/credit flag "${m[1]}" is neither 借 (debit) nor 贷 (credit)` }),
  },
  {
    pattern: /^CdtDbtInd "(.*)" is neither CRDT nor DBIT$/,
    words: (m) => ({
      zh: `借贷标识 CdtDbtInd“${m[1]}”既不是贷记（CRDT）也不是借记（DBIT）`,
      en: `credit/debit indicator CdtDbtInd "${m[1]}" is neither CRDT nor DBIT`,
    }),
  },
  {
    pattern: /^(.+?): negative amount "(.*)"$/,
    words: (m, col) => ({ zh: `${col(m[1])}“${m[2]}”是负数，金额应为正数`, en: `${col(m[1])}: "${m[2]}" is a negative amount` }),
  },
  {
    pattern: /^entry status (.+): only booked \(BOOK\) entries are imported$/,
    words: (m) => ({ zh: `分录状态为 ${m[1]}：只导入已记账（BOOK）的分录`, en: `entry status ${m[1]}: only booked (BOOK) entries are imported` }),
  },
  {
    pattern: /^(.+?): missing amount or currency$/,
    words: (m, col) => ({ zh: `${col(m[1])}缺少金额或币种`, en: `${col(m[1])}: the amount or its currency is missing` }),
  },
  {
    pattern: /^no BookgDt or ValDt$/,
    words: () => ({ zh: "没有记账日（BookgDt）或起息日（ValDt）", en: "no booking date (BookgDt) or value date (ValDt)" }),
  },
  // WeChat's "no 订单金额 or 应结订单金额", and any other pair of columns that may both be missing.
  {
    pattern: /^no (.+?) or (.+)$/,
    words: (m, col) => ({ zh: `${col(m[1])}和${col(m[2])}均为空`, en: `neither ${col(m[1])} nor ${col(m[2])} is filled` }),
  },
  {
    pattern: /^:61: "(.*)" does not follow the :61: layout$/,
    words: (m) => ({ zh: `交易行 :61:“${m[1]}”不符合 MT940 的 :61: 格式`, en: `transaction line :61: "${m[1]}" does not follow the MT940 :61: layout` }),
  },
  {
    pattern: /^no opening balance \(:60F:\) states the currency$/,
    words: () => ({ zh: "没有期初余额（:60F:）说明币种", en: "no opening balance (:60F:) states the currency" }),
  },
  {
    pattern: /^unreadable line \((.+)\)$/,
    words: (m) => ({ zh: `此行内容无法解析（${m[1]}）`, en: `the line could not be read (${m[1]})` }),
  },
  // The statement import's own reasons for a refund line of a bill (lib/services/statements.ts, refunds.ts).
  {
    pattern: /^refund (.+?): no payment (.+) has been recorded on this account$/,
    words: (m) => ({ zh: `退款 ${m[1]}：此账户下没有交易号为 ${m[2]} 的收款记录`, en: `refund ${m[1]}: no payment ${m[2]} has been recorded on this account` }),
  },
  // Its amounts are minor units without their currency: left out rather than shown as a misleading number.
  {
    pattern: /^refund -?\d+ exceeds what is left of payment \S+ \(-?\d+\)$/,
    words: () => ({ zh: "退款金额超过这笔收款剩余可退的金额，未入账", en: "the refund is more than is left of its payment: not recorded" }),
  },
  // The order import's own reasons (lib/core/orders/platform-export.ts, reimport.ts).
  {
    pattern: /^(.+?): (.+?) is a number (?:in the workbook, which Excel keeps to 15 digits|Excel shortened), so the order id is lost and not imported/,
    words: (m, col) => ({
      zh: `${col(m[1])}：${m[2]} 被 Excel 存成了数字，订单号已失真，不导入；请把该列设为“文本”格式后重新粘贴订单号（或直接上传平台导出的原文件）`,
      en: `${col(m[1])}: ${m[2]} was stored by Excel as a number and the order id is lost: not imported; format the column as Text and paste the ids again (or upload the platform's own export)`,
    }),
  },
  {
    pattern: /^order id (\S+): (.+?) (\S+) differs from (\S+) on line (\d+), which was imported/,
    words: (m, col) => ({
      zh: `订单 ${m[1]}：${col(m[2])} ${m[3]} 与第 ${m[5]} 行（已导入）的 ${m[4]} 不同；同一订单的各行金额应相同，此行不导入`,
      en: `order ${m[1]}: ${col(m[2])} ${m[3]} differs from ${m[4]} on line ${m[5]}, which was imported: the lines of one order repeat its amount, so this line is not imported`,
    }),
  },
  {
    pattern: /^order (\S+): the platform shows it (.+?), but (\S+) is allocated to it here: not closed/,
    words: (m) => ({
      zh: `订单 ${m[1]}：平台显示为“${m[2]}”，但这里已有 ${m[3]} 收款记在该订单上，未关闭（如订单已取消，请退款或把款项从订单上取下）`,
      en: `order ${m[1]}: the platform shows it ${m[2]}, but ${m[3]} is allocated to it here: not closed (refund the money, or take it off the order, if the order was cancelled)`,
    }),
  },
  {
    pattern: /^order (\S+): the amount changed from (\S+) to (\S+) on the platform: not applied/,
    words: (m) => ({
      zh: `订单 ${m[1]}：平台上的金额由 ${m[2]} 改为 ${m[3]}，未采用，订单仍为 ${m[2]}`,
      en: `order ${m[1]}: the amount changed from ${m[2]} to ${m[3]} on the platform: not applied, the order keeps ${m[2]}`,
    }),
  },
  {
    pattern: /^serial (\d+) was saved by Excel as a number and lost its last digits: not imported/,
    words: (m) => ({
      zh: `交易号 ${m[1]} 被 Excel 存成了数字，末几位已丢失，不导入；请上传渠道导出的原始账单（CSV），或把该列设为“文本”格式`,
      en: `transaction number ${m[1]} was saved by Excel as a number and lost its last digits: not imported; upload the bill as the channel exported it (CSV), or format the column as Text`,
    }),
  },
];

/** One rejected line's reason: translated when it is one of the parsers' usual ones, else labelled with the raw text as detail. */
export function describeRejectedLine(message: string, ctx: { locale: Locale; messages: Messages }): RejectedReason {
  const t = createTranslator({ locale: ctx.locale, messages: ctx.messages, namespace: "imports.reasons" }) as unknown as Translate;
  const col = (raw: string | undefined) => columnLabel(raw ?? "", ctx.messages);
  const done = (text: string): RejectedReason => ({ text, detail: null });
  const raw = message.trim();
  let m: RegExpExecArray | null;

  if ((m = /^(.+?):? "(.*)" is not an amount$/.exec(raw))) return done(t("notAmount", { column: col(m[1]), value: m[2] }));
  if ((m = /^(.+?):? "(.*)" is not a positive amount\b/.exec(raw))) return done(t("notPositive", { column: col(m[1]), value: m[2] }));
  if ((m = /^(.+?):? "(.*)" is not positive$/.exec(raw))) return done(t("notPositive", { column: col(m[1]), value: m[2] }));
  if ((m = /^(.+?):? "(.*)" is not a date(?:-time)?$/.exec(raw))) return done(t("notDate", { column: col(m[1]), value: m[2] }));
  if ((m = /^(?:.+?: )?currency "(.*)" is not an ISO 4217 code$/.exec(raw))) return done(t("badCurrency", { value: m[1] }));
  if ((m = /^order id: "(.*)" is not a platform order number$/.exec(raw))) return done(t("badOrderId", { value: m[1] }));
  if (/^(?::\d+[A-Z]?: )?zero amount$/.test(raw) || /row with a zero amount$/.test(raw) || /^.+ is zero$/.test(raw)) return done(t("zeroAmount"));
  if (/^no (debit or credit )?amount$/.test(raw)) return done(t("noAmount"));
  if (/^both debit and credit amounts are filled$/.test(raw)) return done(t("bothAmounts"));
  if ((m = /^(.+?) is empty$/.exec(raw))) return done(t("emptyField", { column: col(m[1]) }));
  for (const { pattern, words } of MORE_REASONS) {
    if ((m = pattern.exec(raw))) return done(words(m, col)[ctx.locale === "en" ? "en" : "zh"]);
  }
  return { text: t("unknown"), detail: raw };
}
