import { describe, expect, it } from "vitest";
import { arrayLiteral, timeOrderedUuids } from "@/lib/services/statement-payments";

describe("arrayLiteral", () => {
  it("quotes every value, escapes quotes and backslashes, and writes NULL for null", () => {
    expect(arrayLiteral(['a"b', "c\\d", null, "NULL", "{x,y}", ""])).toBe('{"a\\"b","c\\\\d",NULL,"NULL","{x,y}",""}');
    expect(arrayLiteral([])).toBe("{}");
  });
});

describe("timeOrderedUuids", () => {
  it("are version 7 UUIDs of the given millisecond, distinct and in insertion order", () => {
    const ids = timeOrderedUuids(70_000, Date.UTC(2026, 10, 24));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of [ids[0], ids[69_999]]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 24));
    }
  });
});
