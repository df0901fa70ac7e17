import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { damagedReferenceCandidates, isValidReference, lengthRepairCandidates, REFERENCE_ALPHABET } from "@/lib/core/reference";
import { referenceArb, substitute, swapAdjacent, toFullWidth } from "./arbitraries";

const SYMBOLS = [...REFERENCE_ALPHABET];

/** Whether `a` and `b` differ in exactly one position or by one adjacent swap. */
function oneTypoApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const differing = [...a].flatMap((symbol, i) => (symbol === b[i] ? [] : [i]));
  if (differing.length === 1) return true;
  const [i, j] = differing;
  return differing.length === 2 && j === i + 1 && a[i] === b[j] && a[j] === b[i];
}

describe("damagedReferenceCandidates", () => {
  it("recovers the original from any single substitution", () => {
    fc.assert(
      fc.property(referenceArb(), fc.nat(), fc.integer({ min: 1, max: 31 }), (reference, at, shift) => {
        const i = at % reference.length;
        const damaged = substitute(reference, i, SYMBOLS[(REFERENCE_ALPHABET.indexOf(reference[i]) + shift) % 32]);
        expect(damagedReferenceCandidates(damaged)).toContain(reference);
      }),
      { numRuns: 2000 },
    );
  });

  it("recovers the original from every substitution at every position for a sample of references", () => {
    const sample = fc.sample(referenceArb(), { numRuns: 20, seed: 7 });
    for (const reference of sample)
      for (let i = 0; i < reference.length; i++)
        for (const symbol of SYMBOLS) {
          if (symbol === reference[i]) continue;
          const damaged = substitute(reference, i, symbol);
          if (!damagedReferenceCandidates(damaged).includes(reference)) throw new Error(`${damaged} does not lead back to ${reference}`);
        }
  });

  it("recovers the original from every adjacent transposition", () => {
    fc.assert(
      fc.property(referenceArb(), (reference) => {
        for (let i = 0; i + 1 < reference.length; i++) {
          if (reference[i] !== reference[i + 1]) expect(damagedReferenceCandidates(swapAdjacent(reference, i))).toContain(reference);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("proposes only distinct valid references one typo away, one substitution per position", () => {
    fc.assert(
      fc.property(referenceArb(), fc.nat(), fc.integer({ min: 1, max: 31 }), (reference, at, shift) => {
        const i = at % reference.length;
        const damaged = substitute(reference, i, SYMBOLS[(REFERENCE_ALPHABET.indexOf(reference[i]) + shift) % 32]);
        const candidates = damagedReferenceCandidates(damaged);
        expect(new Set(candidates).size).toBe(candidates.length);
        for (const candidate of candidates) {
          expect(isValidReference(candidate)).toBe(true);
          expect(oneTypoApart(candidate, damaged)).toBe(true);
        }
        const substitutions = candidates.filter((candidate) => [...candidate].filter((symbol, j) => symbol !== damaged[j]).length === 1);
        expect(substitutions).toHaveLength(damaged.length);
      }),
      { numRuns: 1000 },
    );
  });

  it("normalises the token like a lookup does", () => {
    fc.assert(
      fc.property(referenceArb(), (reference) => {
        const damaged = swapAdjacent(reference, 0);
        fc.pre(damaged !== reference);
        expect(damagedReferenceCandidates(` ${toFullWidth(damaged.toLowerCase())} `)).toContain(reference);
      }),
      { numRuns: 200 },
    );
  });

  it("proposes nothing for a valid reference or for a token that cannot be one", () => {
    fc.assert(
      fc.property(referenceArb(), (reference) => {
        expect(damagedReferenceCandidates(reference)).toEqual([]);
      }),
      { numRuns: 200 },
    );
    expect(damagedReferenceCandidates("ABCDEFGH")).toEqual([]);
    expect(damagedReferenceCandidates("A".repeat(33))).toEqual([]);
    expect(damagedReferenceCandidates("ABCDEFGHU")).toEqual([]);
    expect(damagedReferenceCandidates("ABCD-EFGHJ")).toEqual([]);
    expect(damagedReferenceCandidates("")).toEqual([]);
  });
});

describe("lengthRepairCandidates", () => {
  it("recovers the reference from any one symbol left out, and offers only valid references of full length", () => {
    fc.assert(
      fc.property(referenceArb(10), fc.nat(), (reference, at) => {
        const i = at % reference.length;
        const candidates = lengthRepairCandidates(reference.slice(0, i) + reference.slice(i + 1));
        expect(candidates).toContain(reference);
        for (const c of candidates) {
          expect(c).toHaveLength(10);
          expect(isValidReference(c)).toBe(true);
        }
        // About one insertion in 32 passes the check: a handful to look up, not hundreds.
        expect(candidates.length).toBeLessThanOrEqual(40);
      }),
      { numRuns: 300 },
    );
  });

  it("recovers the reference from any one symbol too many, typed in lower case or full width", () => {
    fc.assert(
      fc.property(referenceArb(10), fc.nat(), fc.constantFrom(...SYMBOLS), (reference, at, extra) => {
        const i = at % (reference.length + 1);
        const long = reference.slice(0, i) + extra + reference.slice(i);
        expect(lengthRepairCandidates(long)).toContain(reference);
        expect(lengthRepairCandidates(long.toLowerCase())).toContain(reference);
        expect(lengthRepairCandidates(toFullWidth(long))).toContain(reference);
      }),
      { numRuns: 300 },
    );
  });

  it("says nothing of tokens of another length or outside the alphabet", () => {
    fc.assert(
      fc.property(referenceArb(10), (reference) => {
        expect(lengthRepairCandidates(reference)).toEqual([]);
        expect(lengthRepairCandidates(reference.slice(0, 8))).toEqual([]);
        expect(lengthRepairCandidates(`${reference}AB`)).toEqual([]);
        expect(lengthRepairCandidates(`${reference.slice(0, 8)}U`)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
