import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeCheckSymbol, damagedReferenceCandidates, extractReferences, findDamagedReferenceTokens, isValidReference } from "@/lib/core/reference";
import { referenceArb, substitute, swapAdjacent, symbolArb, toFullWidth } from "./arbitraries";

const groupsOf4 = (r: string, separator: string) => r.match(/.{1,4}/g)!.join(separator);

// Memos in which the reference is the only alphanumeric run, so it must be the only result.
const SOLE_REFERENCE_MEMOS: ReadonlyArray<readonly [string, (r: string) => string]> = [
  ["bare", (r) => r],
  ["glued to Chinese", (r) => `货款${r}`],
  ["followed by Chinese", (r) => `${r} 订单付款`],
  ["lower case", (r) => `付款 ${r.toLowerCase()}`],
  ["after a name", (r) => `张三转账 单号${r}`],
  ["groups of 4 by spaces", (r) => groupsOf4(r, " ")],
  ["lower-case groups glued to Chinese", (r) => `货款${groupsOf4(r.toLowerCase(), " ")}`],
  ["groups by hyphens", (r) => `货款${groupsOf4(r, "-")}`],
  ["groups by dots", (r) => groupsOf4(r, ".")],
  ["after 汇款", (r) => `汇款 ${r}`],
  ["before 第2笔", (r) => `${r} 第2笔`],
  ["full-width", (r) => `货款${toFullWidth(r)}`],
  ["full-width lower case in brackets", (r) => `（${toFullWidth(r.toLowerCase())}）`],
  ["full-width space", (r) => `汇款\u3000${r}\u3000谢谢`],
];

const TEXT_CHARACTERS = [..."0123456789ABCDEFGHJKMNPQRSTVWXYZabcxyzUuOoIiLl", ..." -.,，、；:：/_", ..."货款付第笔张三转账", ..."ＡＢ１２ｏｌ", "\u3000"];
const memoTextArb = fc.string({ unit: fc.constantFrom(...TEXT_CHARACTERS), maxLength: 80 });

describe("extractReferences", () => {
  it.each(SOLE_REFERENCE_MEMOS)("finds the reference %s", (_, memo) => {
    fc.assert(
      fc.property(referenceArb(10), (reference) => {
        expect(extractReferences(memo(reference))).toEqual([reference]);
      }),
      { numRuns: 200 },
    );
  });

  it("reads a hand-typed memo in lower-case groups with L for 1", () => {
    const reference = `1D7K2M9QX${computeCheckSymbol("1D7K2M9QX")}`;
    expect(extractReferences(`货款ld7k 2m9q x${reference[9].toLowerCase()}`)).toEqual([reference]);
  });

  it("finds several references separated by commas or Chinese punctuation, in order, once each", () => {
    fc.assert(
      fc.property(referenceArb(10), referenceArb(10), fc.constantFrom(",", "，", "、", "；", ", ", "  "), (first, second, separator) => {
        const expected = first === second ? [first] : [first, second];
        expect(extractReferences(`付款 ${first}${separator}${second}`)).toEqual(expected);
        expect(extractReferences(`付款 ${first}${separator}${second}${separator}${first}`)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("finds references inside longer alphanumeric runs by scanning every window", () => {
    fc.assert(
      fc.property(referenceArb(10), referenceArb(10), (first, second) => {
        const ordered = extractReferences(`ORDER${first}123`);
        expect(ordered).toContain(first);
        const both = extractReferences(`payment for ${first} ${second} thanks`);
        expect(both).toContain(first);
        expect(both).toContain(second);
        expect(both.indexOf(first)).toBeLessThanOrEqual(both.indexOf(second));
      }),
      { numRuns: 300 },
    );
  });

  it("finds references of other lengths when asked", () => {
    fc.assert(
      fc.property(fc.integer({ min: 9, max: 32 }).chain((length) => fc.tuple(fc.constant(length), referenceArb(length))), ([length, reference]) => {
        expect(extractReferences(`货款${reference.toLowerCase()}`, length)).toEqual([reference]);
      }),
    );
    expect(() => extractReferences("x", 8)).toThrow(RangeError);
  });

  it("does not build windows across U, which is not a reference symbol", () => {
    fc.assert(
      fc.property(referenceArb(10), fc.integer({ min: 1, max: 9 }), (reference, at) => {
        expect(extractReferences(`${reference.slice(0, at)}U${reference.slice(at)}`)).not.toContain(reference);
      }),
    );
  });

  it("returns only check-valid candidates of the requested length from arbitrary text, including bare digit runs", () => {
    const digits = extractReferences("货款1234567890");
    expect(digits).toEqual(isValidReference("1234567890") ? ["1234567890"] : []);
    fc.assert(
      fc.property(memoTextArb, (text) => {
        const found = extractReferences(text);
        expect(new Set(found).size).toBe(found.length);
        for (const candidate of found) {
          expect(candidate).toHaveLength(10);
          expect(isValidReference(candidate)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("returns nothing from text without alphanumerics", () => {
    expect(extractReferences("")).toEqual([]);
    expect(extractReferences("货款，谢谢！")).toEqual([]);
  });
});

describe("findDamagedReferenceTokens", () => {
  it("returns a mistyped reference standing alone, and the typo can be repaired", () => {
    fc.assert(
      fc.property(referenceArb(10), fc.integer({ min: 0, max: 9 }), symbolArb, fc.boolean(), (reference, at, symbol, swap) => {
        const damaged = swap ? swapAdjacent(reference, Math.min(at, 8)) : substitute(reference, at, symbol);
        fc.pre(damaged !== reference);
        const tokens = findDamagedReferenceTokens(`货款${damaged.toLowerCase()} 第1笔`);
        expect(tokens).toEqual([damaged]);
        expect(damagedReferenceCandidates(tokens[0])).toContain(reference);
        expect(extractReferences(`货款${damaged}`)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it("returns a mistyped mixed reference glued into a longer run", () => {
    fc.assert(
      fc.property(referenceArb(10), fc.integer({ min: 0, max: 9 }), symbolArb, (reference, at, symbol) => {
        const damaged = substitute(reference, at, symbol);
        fc.pre(damaged !== reference && /[0-9]/.test(damaged) && /[A-Z]/.test(damaged));
        expect(findDamagedReferenceTokens(`ORDER${damaged}`)).toContain(damaged);
      }),
      { numRuns: 300 },
    );
  });

  it("does not flood on long digit or letter runs", () => {
    expect(findDamagedReferenceTokens("货款12345678901234567890")).toEqual([]);
    expect(findDamagedReferenceTokens("PAYMENTFORPRODUCTSANDSERVICES")).toEqual([]);
  });

  it("yields at most one token for a segment of exactly the reference length", () => {
    const tokens = findDamagedReferenceTokens("货款1234567890");
    expect(tokens).toEqual(isValidReference("1234567890") ? [] : ["1234567890"]);
  });

  it("returns only alphabet-only, check-invalid windows of the requested length", () => {
    fc.assert(
      fc.property(memoTextArb, (text) => {
        const tokens = findDamagedReferenceTokens(text);
        expect(new Set(tokens).size).toBe(tokens.length);
        for (const token of tokens) {
          expect(token).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
          expect(isValidReference(token)).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
