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
  return { text: t("unknown"), detail: raw };
}
