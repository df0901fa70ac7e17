import { describe, expect, it } from "vitest";
import { groupBy } from "@/lib/core/collections";

describe("groupBy", () => {
  it("groups in first-seen key order, keeping the items' order inside each group", () => {
    const rows = [
      { m: "b", n: 1 },
      { m: "a", n: 2 },
      { m: "b", n: 3 },
    ];
    expect([...groupBy(rows, (r) => r.m)]).toEqual([
      ["b", [rows[0], rows[2]]],
      ["a", [rows[1]]],
    ]);
    expect(groupBy(rows, (r) => r.m, (r) => r.n).get("b")).toEqual([1, 3]);
    expect(groupBy([], (r: { m: string }) => r.m).size).toBe(0);
  });

  it("is linear: 200,000 items of one key group in well under a second", () => {
    const items = Array.from({ length: 200_000 }, (_, i) => i);
    const started = performance.now();
    expect(groupBy(items, () => "one").get("one")).toHaveLength(200_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
