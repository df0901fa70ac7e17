import { describe, expect, it } from "vitest";
import { startOfZonedDay, zoneOffsetMinutes } from "@/lib/core/time";

describe("zoned days", () => {
  it("Asia/Shanghai days start at 16:00 UTC the day before", () => {
    expect(zoneOffsetMinutes(new Date("2026-11-25T10:00:00Z"), "Asia/Shanghai")).toBe(480);
    expect(startOfZonedDay(new Date("2026-11-25T15:59:59Z"), "Asia/Shanghai").toISOString()).toBe("2026-11-24T16:00:00.000Z");
    expect(startOfZonedDay(new Date("2026-11-25T16:00:00Z"), "Asia/Shanghai").toISOString()).toBe("2026-11-25T16:00:00.000Z");
    expect(startOfZonedDay(new Date("2026-11-25T10:00:00Z"), "Asia/Shanghai", 6).toISOString()).toBe("2026-11-18T16:00:00.000Z");
  });

  it("is right on a DST-start day (New York 2024-03-10 starts at 05:00Z, EST)", () => {
    expect(startOfZonedDay(new Date("2024-03-10T20:00:00Z"), "America/New_York").toISOString()).toBe("2024-03-10T05:00:00.000Z");
  });
});
