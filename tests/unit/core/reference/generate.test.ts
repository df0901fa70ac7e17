import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeCheckSymbol,
  DEFAULT_REFERENCE_LENGTH,
  generateReference,
  isValidReference,
  MAX_REFERENCE_LENGTH,
  MIN_REFERENCE_LENGTH,
  REFERENCE_ALPHABET,
} from "@/lib/core/reference";

const ALPHABET_ONLY = new RegExp(`^[${REFERENCE_ALPHABET}]+$`);
const fixedBytes = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);

describe("generateReference", () => {
  it("issues valid references of the requested length in the alphabet, for every length 9..32", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_REFERENCE_LENGTH, max: MAX_REFERENCE_LENGTH }),
        fc.uint8Array({ minLength: MAX_REFERENCE_LENGTH, maxLength: MAX_REFERENCE_LENGTH }),
        (length, bytes) => {
          const reference = generateReference((n) => bytes.subarray(0, n), length);
          expect(reference).toHaveLength(length);
          expect(reference).toMatch(ALPHABET_ONLY);
          expect(isValidReference(reference)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("defaults to 10 characters: 9 random symbols and the check symbol", () => {
    const requested: number[] = [];
    const reference = generateReference((n) => {
      requested.push(n);
      return randomBytes(n);
    });
    expect(DEFAULT_REFERENCE_LENGTH).toBe(10);
    expect(reference).toHaveLength(10);
    expect(requested).toEqual([9]);
    expect(reference.slice(9)).toBe(computeCheckSymbol(reference.slice(0, 9)));
  });

  it("maps the low five bits of each byte to a symbol", () => {
    expect(generateReference(fixedBytes(0))).toBe("0000000000");
    expect(generateReference(fixedBytes(31)).slice(0, 9)).toBe("ZZZZZZZZZ");
    expect(generateReference(fixedBytes(0xe0 | 10), 12).slice(0, 11)).toBe("AAAAAAAAAAA");
  });

  it("rejects lengths outside 9..32 and short random input", () => {
    for (const length of [0, 8, 33, 9.5, Number.NaN]) expect(() => generateReference(randomBytes, length)).toThrow(RangeError);
    expect(() => generateReference(() => new Uint8Array(3))).toThrow(RangeError);
  });

  it("draws 10,000 distinct references with evenly used symbols", () => {
    const references = Array.from({ length: 10_000 }, () => generateReference(randomBytes));
    expect(new Set(references).size).toBe(references.length);

    const counts = new Map<string, number>();
    for (const reference of references) for (const symbol of reference.slice(0, -1)) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    const expected = (references.length * (DEFAULT_REFERENCE_LENGTH - 1)) / 32;
    const chiSquare = [...REFERENCE_ALPHABET].reduce((sum, symbol) => sum + ((counts.get(symbol) ?? 0) - expected) ** 2 / expected, 0);
    // 31 degrees of freedom: mean 31; exceeding 100 by chance has probability far below 1e-9.
    expect(chiSquare).toBeLessThan(100);
  });
});
