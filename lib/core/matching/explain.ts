import type { NameAgreement } from "@/lib/core/matching/payer-name";
import type { Explanation, WriteOffCause } from "@/lib/core/matching/types";
import { minorDigits } from "@/lib/core/money";

/** ¥ with two decimals from fen, for explanations. */
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/**
 * Minor units of a currency other than yuan as its ISO code and the amount in its own minor digits,
 * thousands grouped: "USD 12.80", "JPY 1,200", "-EUR 0.50". The code rather than a symbol: the same
 * text in both languages, and never a bare ¥ (JPY) that a reader here takes for yuan.
 */
export function codeAmount(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount in minor units must be a safe integer, got ${minor}`);
  const code = currency.toUpperCase();
  const digits = minorDigits(code);
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  const whole = abs.slice(0, abs.length - digits).replace(/\B(?=(\d{3})+$)/g, ",");
  const fraction = digits > 0 ? `.${abs.slice(-digits)}` : "";
  return `${minor < 0 ? "-" : ""}${code} ${whole}${fraction}`;
}

/**
 * An amount in an explanation, in the currency of its payment or order: yuan exactly as explanations
 * have always written them ("¥12.80", which stored suggestions and golden outputs hold), another
 * currency as {@link codeAmount}.
 */
export const amountIn = (minor: number, currency: string): string => (currency.toUpperCase() === "CNY" ? yuan(minor) : codeAmount(minor, currency));

/** Joins explanation parts with the separator each language uses. */
export function joinExplanations(parts: readonly Explanation[]): Explanation {
  return { zh: parts.map((p) => p.zh).join("；"), en: parts.map((p) => p.en).join("; ") };
}

/** What the payer-name comparison found, in words. */
export function nameNote(agreement: NameAgreement, payer: string | null, customer: string | null): Explanation {
  switch (agreement) {
    case "exact":
      return { zh: "付款人与订单客户名一致", en: "payer name equals the order's customer name" };
    case "alias":
      return { zh: `付款人「${payer ?? ""}」是此前确认过的客户「${customer ?? ""}」`, en: `payer "${payer ?? ""}" was confirmed before as customer "${customer ?? ""}"` };
    case "company_core":
      return {
        zh: `付款人「${payer}」与客户「${customer}」去掉地区和公司后缀后一致`,
        en: `payer "${payer}" and customer "${customer}" agree once place and legal suffix are removed`,
      };
    case "masked":
      return { zh: `付款人（已脱敏「${payer}」）与客户「${customer}」相符`, en: `masked payer "${payer}" is consistent with customer "${customer}"` };
    case "partial":
      return { zh: `付款人「${payer}」与客户「${customer}」部分一致`, en: `payer "${payer}" partly agrees with customer "${customer}"` };
    case "different":
      return { zh: `付款人「${payer}」与客户「${customer}」不同`, en: `payer "${payer}" differs from customer "${customer}"` };
    default:
      return { zh: "缺少付款人或客户名，无法核对", en: "payer or customer name missing, not compared" };
  }
}

const dayCount = (days: number) => `${days} ${days === 1 ? "day" : "days"}`;

/** A payment's timing that weighs against its order, in words: `days` before the order was created, or after it. */
export function timingNote(days: number, before: boolean): Explanation {
  return before
    ? { zh: `款项比订单创建早 ${days} 天`, en: `the money arrived ${dayCount(days)} before the order was created` }
    : { zh: `款项在订单创建 ${days} 天后才到`, en: `the money arrived ${dayCount(days)} after the order was created` };
}

const CAUSE_WORDS: Record<WriteOffCause, Explanation> = {
  coupon: { zh: "优惠券", en: "coupon" },
  platform_subsidy: { zh: "平台补贴", en: "platform subsidy" },
  channel_fee: { zh: "渠道手续费", en: "channel fee" },
  bank_fee: { zh: "银行手续费", en: "bank fee" },
  rounding: { zh: "抹零", en: "rounding" },
  unique_amount: { zh: "唯一金额立减", en: "unique-amount discount" },
};

/** The cause of a write-off in words. */
export const causeWords = (cause: WriteOffCause): Explanation => CAUSE_WORDS[cause];
