import fc from "fast-check";
import { generateReference, MAX_REFERENCE_LENGTH, MIN_REFERENCE_LENGTH, REFERENCE_ALPHABET } from "@/lib/core/reference";

/** Any single reference symbol. */
export const symbolArb = fc.constantFrom(...REFERENCE_ALPHABET);

/** A reference issued by generateReference from fast-check bytes, of the given length or any allowed one. */
export function referenceArb(length?: number): fc.Arbitrary<string> {
  const lengthArb = length === undefined ? fc.integer({ min: MIN_REFERENCE_LENGTH, max: MAX_REFERENCE_LENGTH }) : fc.constant(length);
  return fc
    .tuple(lengthArb, fc.uint8Array({ minLength: MAX_REFERENCE_LENGTH, maxLength: MAX_REFERENCE_LENGTH }))
    .map(([n, bytes]) => generateReference((count) => bytes.subarray(0, count), n));
}

/** `s` with the characters at `i` and `i + 1` swapped. */
export function swapAdjacent(s: string, i: number): string {
  return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
}

/** `s` with the character at `i` replaced by `symbol`. */
export function substitute(s: string, i: number, symbol: string): string {
  return s.slice(0, i) + symbol + s.slice(i + 1);
}

/** Full-width form of ASCII letters and digits, as Chinese input methods type them. */
export function toFullWidth(s: string): string {
  return s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
