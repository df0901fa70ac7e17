import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeCheckSymbol,
  isValidReference,
  normalizeReference,
  REFERENCE_ALPHABET,
  REFERENCE_CHECK_TABLE,
} from "@/lib/core/reference";
import { referenceArb, substitute, swapAdjacent, toFullWidth } from "./arbitraries";

const SYMBOLS = [...REFERENCE_ALPHABET];

describe("check quasigroup", () => {
  it("is a Latin square: every row and every column is a permutation of 0..31", () => {
    const all = Array.from({ length: 32 }, (_, i) => i);
    for (let i = 0; i < 32; i++) {
      expect([...REFERENCE_CHECK_TABLE[i]].sort((a, b) => a - b)).toEqual(all);
      expect(REFERENCE_CHECK_TABLE.map((row) => row[i]).sort((a, b) => a - b)).toEqual(all);
    }
  });

  it("is totally anti-symmetric: (c∘x)∘y = (c∘y)∘x only when x = y", () => {
    const t = REFERENCE_CHECK_TABLE;
    let collisions = 0;
    for (let c = 0; c < 32; c++)
      for (let x = 0; x < 32; x++)
        for (let y = 0; y < 32; y++) if (x !== y && t[t[c][x]][y] === t[t[c][y]][x]) collisions++;
    expect(collisions).toBe(0);
  });

  it("cannot be modified at runtime", () => {
    expect(Object.isFrozen(REFERENCE_CHECK_TABLE)).toBe(true);
    expect(Object.isFrozen(REFERENCE_CHECK_TABLE[0])).toBe(true);
  });
});

describe("computeCheckSymbol", () => {
  // Pinned by hand in GF(32) mod x^5+x^2+1 with a = x: a change here would invalidate every stored reference.
  it.each([
    ["", "0"],
    ["000000000", "0"],
    ["1", "2"],
    ["10", "4"],
    ["G", "5"], // x·x^4 = x^5 = x^2 + 1
    ["Z", "V"], // x·(x^4+x^3+x^2+x+1) = x^4+x^3+x+1 = 27
  ])("check symbol of %j is %s", (body, check) => {
    expect(computeCheckSymbol(body)).toBe(check);
  });

  it("reads the body case-insensitively and rejects non-alphabet characters", () => {
    expect(computeCheckSymbol("abcdefghj")).toBe(computeCheckSymbol("ABCDEFGHJ"));
    expect(() => computeCheckSymbol("ABCU")).toThrow(RangeError);
    expect(() => computeCheckSymbol("AB-CD")).toThrow(RangeError);
  });

  it("completes any body into a valid reference", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SYMBOLS), { minLength: 8, maxLength: 31 }), (symbols) => {
        const body = symbols.join("");
        expect(isValidReference(body + computeCheckSymbol(body))).toBe(true);
      }),
    );
  });
});

describe("error detection", () => {
  it("catches every single substitution at any position, check symbol included", () => {
    fc.assert(
      fc.property(referenceArb(), fc.nat(), fc.integer({ min: 1, max: 31 }), (reference, at, shift) => {
        const i = at % reference.length;
        const replacement = SYMBOLS[(REFERENCE_ALPHABET.indexOf(reference[i]) + shift) % 32];
        expect(isValidReference(substitute(reference, i, replacement))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("catches all positions × 31 substitutions exhaustively for a sample of references", () => {
    const sample = fc.sample(referenceArb(), { numRuns: 100, seed: 20240501 });
    let missed = 0;
    for (const reference of sample)
      for (let i = 0; i < reference.length; i++)
        for (const symbol of SYMBOLS) if (symbol !== reference[i] && isValidReference(substitute(reference, i, symbol))) missed++;
    expect(missed).toBe(0);
  });

  it("catches every adjacent transposition of two different symbols, at all positions", () => {
    fc.assert(
      fc.property(referenceArb(), (reference) => {
        for (let i = 0; i + 1 < reference.length; i++) {
          if (reference[i] !== reference[i + 1]) expect(isValidReference(swapAdjacent(reference, i))).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("normalisation", () => {
  it("accepts lower case, full-width characters and surrounding whitespace", () => {
    fc.assert(
      fc.property(referenceArb(), (reference) => {
        for (const typed of [reference.toLowerCase(), toFullWidth(reference), toFullWidth(reference.toLowerCase()), ` ${reference}\u3000`]) {
          expect(isValidReference(typed)).toBe(true);
          expect(normalizeReference(typed)).toBe(reference);
        }
      }),
    );
  });

  it("reads O as 0 and I or L as 1", () => {
    fc.assert(
      fc.property(
        referenceArb().filter((r) => /[01]/.test(r)),
        fc.constantFrom("O", "o", "Ｏ"),
        fc.constantFrom("I", "i", "L", "l", "Ｌ"),
        (reference, zero, one) => {
          const typed = reference.replace(/0/g, zero).replace(/1/g, one);
          expect(normalizeReference(typed)).toBe(reference);
        },
      ),
    );
  });

  it("rejects U, separators, and lengths outside 9..32", () => {
    fc.assert(
      fc.property(referenceArb(), fc.nat(), (reference, at) => {
        const i = at % reference.length;
        expect(isValidReference(substitute(reference, i, "U"))).toBe(false);
        expect(isValidReference(`${reference.slice(0, 4)}-${reference.slice(4)}`)).toBe(false);
        expect(isValidReference(`${reference.slice(0, 4)} ${reference.slice(4)}`)).toBe(false);
      }),
    );
    const tooShort = "0000000" + computeCheckSymbol("0000000");
    expect(tooShort).toHaveLength(8);
    expect(isValidReference(tooShort)).toBe(false);
    const longest = "1".repeat(31) + computeCheckSymbol("1".repeat(31));
    expect(isValidReference(longest)).toBe(true);
    expect(isValidReference("1".repeat(32) + computeCheckSymbol("1".repeat(32)))).toBe(false);
    expect(isValidReference("")).toBe(false);
    expect(normalizeReference("not a reference")).toBeNull();
  });
});
