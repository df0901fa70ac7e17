import { describe, expect, it } from "vitest";
import { RawColumns, rawFields } from "@/lib/core/statements/raw";

describe("RawColumns / rawFields", () => {
  it("keeps each line's values in the order of the names seen, and gives the fields back", () => {
    const columns = new RawColumns();
    const lines: Record<string, string>[] = [
      { 交易日期: "20261124", 贷方金额: "1.00", 用途: "货款 A" },
      // A field the first line lacked, one it had missing, and the order changed.
      { 用途: "货款 B", 余额: "99.00", 交易日期: "20261125" },
      { 交易日期: "20261126" },
      {},
    ];
    const stored = lines.map((l) => columns.values(l));
    expect(columns.names).toEqual(["交易日期", "贷方金额", "用途", "余额"]);
    expect(stored).toEqual([["20261124", "1.00", "货款 A"], ["20261125", null, "货款 B", "99.00"], ["20261126"], []]);
    expect(stored.map((v) => rawFields(columns.names, v))).toEqual(lines);
    // Stored JSON holds each name once per statement, not once per line.
    expect(JSON.stringify(stored[0]).includes("交易日期")).toBe(false);
  });

  it("a value beyond the names, or a name that would reach the prototype, is not given back", () => {
    expect(rawFields(["a"], ["1", "2"])).toEqual({ a: "1" });
    const fields = rawFields(["__proto__", "b"], ["x", "2"]);
    expect(fields).toEqual({ b: "2" });
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
  });
});
