// Customers often write the storefront's order number (抖店/淘宝 订单号, the shop's own number) in a bank
// memo instead of our reference. An order number has no check character, so it is compared whole:
// the memo token, folded to half-width upper case without separators, must equal the order's number
// folded the same way. lib/db indexes the same fold (migration 0018) so a lookup is one probe.

/** Shorter numbers (a 4-digit sequence, a year) would name an order by chance. */
export const MIN_ORDER_NUMBER_LENGTH = 6;

/** A memo naming more numbers than this is a list or a document dump, not a payment for orders. */
const MAX_TOKENS = 10;

/**
 * An order or platform number folded for comparison: NFKC (full-width to half-width), upper case,
 * only ASCII letters and digits kept (DY-13-000248, dy13000248 and ＤＹ１３０００２４８ agree).
 * Null when fewer than MIN_ORDER_NUMBER_LENGTH symbols remain or no digit does.
 */
export function orderNumberKey(value: string | null | undefined): string | null {
  if (!value) return null;
  const key = value.normalize("NFKC").toUpperCase().replace(/[^0-9A-Z]/g, "");
  return key.length >= MIN_ORDER_NUMBER_LENGTH && /[0-9]/.test(key) ? key : null;
}

// Letters and digits, with single hyphens, underscores, slashes or dots between groups: how order
// numbers are printed (DY-13-000248, 2026/1101/0012). Spaces end a token: "订单 123456 789012" names two.
const TOKEN = /[0-9A-Z]+(?:[-_/.][0-9A-Z]+)*/g;

// What a memo writes that only looks like a number once its dots are dropped: an amount (1280.00 is not
// order 128000) and a date (2026.11.25 is not order 20261125).
const AMOUNT = /^\d+\.\d{1,2}$/;
const DATE = /^(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])$/;

/** The keys of tokens in free text that could be order numbers, deduplicated, in order of appearance. */
export function orderNumberTokens(text: string): string[] {
  const found = new Set<string>();
  for (const [token] of text.normalize("NFKC").toUpperCase().matchAll(TOKEN)) {
    if (AMOUNT.test(token) || DATE.test(token)) continue;
    const key = orderNumberKey(token);
    if (key) found.add(key);
    if (found.size === MAX_TOKENS) break;
  }
  return [...found];
}
