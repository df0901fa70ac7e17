import { describe, expect, it } from "vitest";
import { presetRange, progressPercent } from "@/lib/core/reports";

describe("report presets", () => {
  it("yesterday and this month are Beijing calendar days, not UTC ones", () => {
    // 2026-03-01 00:30 in Beijing is still February 28 in UTC.
    const justAfterMidnight = new Date("2026-02-28T16:30:00Z");
    expect(presetRange("yesterday", justAfterMidnight, "Asia/Shanghai")).toEqual({ from: "2026-02-28", to: "2026-02-28" });
    expect(presetRange("month", justAfterMidnight, "Asia/Shanghai")).toEqual({ from: "2026-03-01", to: "2026-03-01" });
    const midMonth = new Date("2024-03-15T10:00:00Z");
    expect(presetRange("month", midMonth, "Asia/Shanghai")).toEqual({ from: "2024-03-01", to: "2024-03-15" });
    expect(presetRange("yesterday", new Date("2024-03-01T03:00:00Z"), "Asia/Shanghai")).toEqual({ from: "2024-02-29", to: "2024-02-29" });
  });

  it("progress reaches 100 % only when the job is done", () => {
    expect(progressPercent(0, 0, false)).toBe(0);
    expect(progressPercent(50, 200, false)).toBe(25);
    expect(progressPercent(200, 200, false)).toBe(99);
    expect(progressPercent(250, 200, false)).toBe(99);
    expect(progressPercent(10, 200, true)).toBe(100);
  });
});
