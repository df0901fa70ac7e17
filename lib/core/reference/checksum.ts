import { isReferenceLength, normalizeReferenceText, REFERENCE_ALPHABET, referenceSymbolValues } from "@/lib/core/reference/alphabet";

// The check symbol is the Damm algorithm over a quasigroup of order 32 built from GF(2^5).
//
// A symbol's index 0..31 is read as a field element (a polynomial over GF(2) reduced modulo
// x^5 + x^2 + 1) and x ∘ y = a·x ⊕ y with a = x (the element 2). The interim starts at 0 and
// absorbs the body symbol by symbol; the check symbol is a·interim, so running body + check
// ends at 0, and that is what validation tests.
//
// Every single substitution is caught: for a fixed interim c, y ↦ c ∘ y adds a constant and is
// a permutation, so a different symbol leaves a different interim; each later step c ↦ c ∘ d is
// a permutation as well (multiplying by a ≠ 0 is invertible), so the difference survives to the
// end and the run no longer ends at 0. The check symbol is simply the last step, so it is covered.
//
// Every adjacent transposition of different symbols is caught: (c∘x)∘y = (c∘y)∘x would mean
// a²c ⊕ a·x ⊕ y = a²c ⊕ a·y ⊕ x, i.e. (a + 1)(x ⊕ y) = 0, and a + 1 ≠ 0 because a ≠ 1, so x = y.
// The interim after the swapped pair differs and, as above, so does the final one; a swap of the
// last body symbol with the check symbol is the same situation at the last two steps.

const SYMBOL_COUNT = 32;
const FIELD_MODULUS = 0b100101; // x^5 + x^2 + 1

function timesA(x: number): number {
  const shifted = x << 1;
  return shifted & SYMBOL_COUNT ? shifted ^ FIELD_MODULUS : shifted;
}

const TIMES_A: readonly number[] = Array.from({ length: SYMBOL_COUNT }, (_, x) => timesA(x));
const DIVIDED_BY_A: readonly number[] = TIMES_A.reduce<number[]>((inverse, product, x) => {
  inverse[product] = x;
  return inverse;
}, []);

/** The check quasigroup x ∘ y = a·x ⊕ y as a frozen 32×32 table: row = interim, column = symbol value. */
export const REFERENCE_CHECK_TABLE: ReadonlyArray<ReadonlyArray<number>> = Object.freeze(
  TIMES_A.map((row) => Object.freeze(Array.from({ length: SYMBOL_COUNT }, (_, y) => row ^ y))),
);

/** Damm interim after absorbing symbol values[start..end); a whole reference is valid exactly when this is 0. */
export function checkInterim(values: ArrayLike<number>, start = 0, end = values.length): number {
  let interim = 0;
  for (let i = start; i < end; i++) interim = REFERENCE_CHECK_TABLE[interim][values[i]];
  return interim;
}

/** For every position, the one symbol value that makes the whole run check-valid when all other symbols are kept. */
export function repairingSymbolValues(values: readonly number[]): number[] {
  // neededAfter[i]: the interim that must follow position i for the remaining steps to end at 0.
  const neededAfter = new Array<number>(values.length);
  let needed = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    neededAfter[i] = needed;
    needed = DIVIDED_BY_A[needed ^ values[i]];
  }
  const repairs: number[] = [];
  let interim = 0;
  for (let i = 0; i < values.length; i++) {
    repairs.push(TIMES_A[interim] ^ neededAfter[i]);
    interim = REFERENCE_CHECK_TABLE[interim][values[i]];
  }
  return repairs;
}

/** The check symbol to append to `body` (read case-insensitively); throws a RangeError if `body` has non-alphabet characters. */
export function computeCheckSymbol(body: string): string {
  const values = referenceSymbolValues(normalizeReferenceText(body));
  if (!values) throw new RangeError(`Reference body ${JSON.stringify(body)} has characters outside the reference alphabet`);
  return REFERENCE_ALPHABET[TIMES_A[checkInterim(values)]];
}

/** Canonical upper-case form of a reference typed by a human (case, full-width, O/I/L folded; surrounding whitespace ignored), or null if it is not a valid reference. */
export function normalizeReference(s: string): string | null {
  const normalised = normalizeReferenceText(s.trim());
  if (!isReferenceLength(normalised.length)) return null;
  const values = referenceSymbolValues(normalised);
  return values && checkInterim(values) === 0 ? normalised : null;
}

/** Whether `s` is a valid reference: 9..32 alphabet symbols with a correct check symbol, after normalisation. */
export function isValidReference(s: string): boolean {
  return normalizeReference(s) !== null;
}
