import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactSumGroups } from "@/lib/core/matching/subset-sum";

const items = (...amounts: number[]) => amounts.map((amount, i) => ({ id: `o${i}`, amount }));

describe("exactSumGroups", () => {
  it("returns only the smallest group size that adds up", () => {
    const groups = exactSumGroups(items(100, 200, 300, 50, 50), 300)!;
    expect(groups.map((g) => g.map((i) => i.id).sort())).toEqual([["o0", "o1"]]);
    expect(exactSumGroups(items(100, 200), 250)).toEqual([]);
  });

  it("finds groups of up to five, and refuses too many items rather than guessing", () => {
    expect(exactSumGroups(items(1, 2, 4, 8, 16, 32), 31)!.map((g) => g.length)).toEqual([5]);
    expect(exactSumGroups(items(1, 2, 4, 8, 16, 32), 63)).toEqual([]);
    expect(exactSumGroups(items(...Array.from({ length: 41 }, () => 1)), 2)).toBeNull();
  });

  it("every group found sums exactly to the target with distinct items", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 14 }), fc.integer({ min: 1, max: 2000 }), (amounts, target) => {
        const groups = exactSumGroups(items(...amounts), target) ?? [];
        for (const g of groups) {
          expect(g.reduce((s, i) => s + i.amount, 0)).toBe(target);
          expect(new Set(g.map((i) => i.id)).size).toBe(g.length);
          expect(g.length).toBeGreaterThanOrEqual(2);
          expect(g.length).toBeLessThanOrEqual(5);
        }
      }),
    );
  });
});
