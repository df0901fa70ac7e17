/** Crockford base32: the symbols a reference is written in. I, L, O and U are left out because people misread or mistype them. */
export const REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Length of newly issued references: 9 random symbols (45 bits) plus one check symbol. */
export const DEFAULT_REFERENCE_LENGTH = 10;

/** Shortest accepted reference: 8 random symbols are the fewest that carry 40 bits, plus the check symbol. */
export const MIN_REFERENCE_LENGTH = 9;

/** Longest accepted reference: WeChat's out_trade_no caps at 32 characters, the tightest of the channels. */
export const MAX_REFERENCE_LENGTH = 32;

const SYMBOL_VALUES: ReadonlyMap<string, number> = new Map([...REFERENCE_ALPHABET].map((symbol, value) => [symbol, value]));

/** Full-width to half-width (NFKC) and upper case: the case- and width-blind reading of typed text. */
export function toHalfWidthUpperCase(s: string): string {
  return s.normalize("NFKC").toUpperCase();
}

/** Reads O as 0 and I or L as 1 in upper-case text; keeps the length, so positions still line up with the input. */
export function foldMisreadSymbols(upperCase: string): string {
  return upperCase.replace(/[OIL]/g, (c) => (c === "O" ? "0" : "1"));
}

/** Folds human-typed text onto reference spelling: full-width to half-width (NFKC), upper case, O read as 0, I and L read as 1. */
export function normalizeReferenceText(s: string): string {
  return foldMisreadSymbols(toHalfWidthUpperCase(s));
}

/** Values 0..31 of already normalised reference symbols, or null if any character is outside the alphabet. */
export function referenceSymbolValues(normalised: string): number[] | null {
  const values: number[] = [];
  for (const symbol of normalised) {
    const value = SYMBOL_VALUES.get(symbol);
    if (value === undefined) return null;
    values.push(value);
  }
  return values;
}

/** Whether `length` is an allowed reference length (MIN_REFERENCE_LENGTH..MAX_REFERENCE_LENGTH). */
export function isReferenceLength(length: number): boolean {
  return Number.isInteger(length) && length >= MIN_REFERENCE_LENGTH && length <= MAX_REFERENCE_LENGTH;
}

/** Throws a RangeError naming the bad value unless `length` is an allowed reference length. */
export function assertReferenceLength(length: number): void {
  if (!isReferenceLength(length)) {
    throw new RangeError(`Reference length must be an integer from ${MIN_REFERENCE_LENGTH} to ${MAX_REFERENCE_LENGTH}, got ${length}`);
  }
}
