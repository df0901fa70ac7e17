import { orderNumberTokens } from "@/lib/core/matching/order-numbers";
import { isPaymentInstitution } from "@/lib/core/matching/payer-name";
import { damagedReferenceCandidates, DEFAULT_REFERENCE_LENGTH, extractReferences, findDamagedReferenceTokens, findStandaloneTokens, lengthRepairCandidates, normalizeReference } from "@/lib/core/reference";

// Words that say the money is not a customer paying for goods: interest, a refund or rebate
// coming back, transfers between own accounts, loans, wages. Such a credit is never matched on
// amount and payer alone, however well they fit.
const NON_SALE_WORDS = ["利息", "结息", "退款", "退回", "退货款", "返利", "返佣", "往来款", "借款", "还款", "工资", "报销", "保证金", "押金", "分红", "退税"];

// What a channel writes when it pays the merchant's own balance out to the bank (支付宝提现, 财付通 T+1 结算,
// 银联商务 清算款). Only with a payment institution as the payer: a customer's 结算货款 is a sale.
export const PAYOUT_WORDS: readonly string[] = ["提现", "结算", "清算", "划款", "划付", "出款"];

/**
 * The memo word that makes a credit a channel's payout of the merchant's own money — the payer a payment
 * institution and the memo 提现, 结算, 清算… — or null. A payout pays no order: it is the shop's money
 * moving from the channel to its bank account, already counted when its customers paid.
 */
export function payoutWord(payerName: string | null, memo: string | null): string | null {
  if (!memo || !isPaymentInstitution(payerName)) return null;
  const text = memo.normalize("NFKC");
  return PAYOUT_WORDS.find((w) => text.includes(w)) ?? null;
}

/** What a payment's memo and reference field say, beyond a plain reference match. */
export interface MemoSignals {
  /** Check-valid references found (field first, then memo), normalised. */
  validReferences: string[];
  /** Tokens shaped like a reference that fail the check: possibly mistyped references. */
  damagedTokens: string[];
  /**
   * For each damaged token, the valid references one typo away; also for each token standing alone
   * one symbol shorter or longer than a reference, the references it is with a symbol dropped or
   * added (such a token is not in damagedTokens: unless it repairs to an order, it says nothing).
   */
  repairs: Map<string, string[]>;
  /** Long digit runs that are not a phone number, a date or part of a reference-shaped token: someone's document number. */
  numbers: string[];
  /** A word saying the credit is not a sale (利息, 退款…), if any. */
  nonSaleWord: string | null;
  /** Tokens that could be the merchant's order numbers, folded by orderNumberKey. */
  orderNumbers: string[];
}

const isPhone = (d: string) => /^1[3-9]\d{9}$/.test(d);
const isDate = (d: string) => /^20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(d);

/** Reads the memo and the reference field for everything matching may need to look up or be warned by. */
export function readMemo(reference: string | null, memo: string | null): MemoSignals {
  const field = reference ? normalizeReference(reference) : null;
  const text = [reference && !field ? reference : "", memo ?? ""].filter(Boolean).join(" ");
  const validReferences = [...new Set([...(field ? [field] : []), ...extractReferences(text)])];
  const damagedTokens = findDamagedReferenceTokens(text);
  const repairs = new Map(damagedTokens.map((t) => [t, damagedReferenceCandidates(t)]));
  for (const length of [DEFAULT_REFERENCE_LENGTH - 1, DEFAULT_REFERENCE_LENGTH + 1]) {
    for (const token of findStandaloneTokens(text, length)) {
      const candidates = lengthRepairCandidates(token);
      if (candidates.length) repairs.set(token, candidates);
    }
  }
  const normalized = text.normalize("NFKC");
  // Digits inside a reference-shaped token belong to it: the eight digits of a mistyped reference
  // such as M12345678Y are not also someone's document number (the token is judged on its own).
  const tokens = [...validReferences, ...damagedTokens];
  const numbers = [...normalized.matchAll(/\d{8,}/g)]
    .map((m) => m[0])
    .filter((d) => !isPhone(d) && !isDate(d) && !tokens.some((t) => t.includes(d)));
  const nonSaleWord = NON_SALE_WORDS.find((w) => normalized.includes(w)) ?? null;
  return { validReferences, damagedTokens, repairs, numbers, nonSaleWord, orderNumbers: orderNumberTokens(text) };
}

/** Every reference worth looking up for a payment: valid ones and the repairs of damaged ones. */
export function referencesToLookUp(signals: MemoSignals): string[] {
  return [...new Set([...signals.validReferences, ...[...signals.repairs.values()].flat()])];
}
