import { describe, expect, it } from "vitest";
import { zoneOffsetMinutes } from "@/lib/core/time";
import { addDays, createZonedFormatter, daysBetweenInclusive, eachDate, isCalendarDate, zonedDayStart, zonedRange } from "@/lib/core/reports";

describe("report dates", () => {
  it("accepts only real calendar dates written YYYY-MM-DD", () => {
    for (const ok of ["2024-02-29", "2026-11-25", "2000-01-01"]) expect(isCalendarDate(ok)).toBe(true);
    for (const bad of ["2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-03-01T00:00", "", "2024-04-31"]) expect(isCalendarDate(bad)).toBe(false);
  });

  it("counts and walks days", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-12-31", 1)).toBe("2025-01-01");
    expect(daysBetweenInclusive("2024-03-01", "2024-03-31")).toBe(31);
    expect(eachDate("2024-02-27", "2024-03-01")).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]);
  });

  it("starts a local day at the zone's midnight, across DST changes", () => {
    expect(zonedDayStart("2024-03-01", "Asia/Shanghai").toISOString()).toBe("2024-02-29T16:00:00.000Z");
    expect(zonedDayStart("2024-03-10", "America/New_York").toISOString()).toBe("2024-03-10T05:00:00.000Z");
    expect(zonedDayStart("2024-03-11", "America/New_York").toISOString()).toBe("2024-03-11T04:00:00.000Z");
    expect(zonedDayStart("2024-11-04", "America/New_York").toISOString()).toBe("2024-11-04T05:00:00.000Z");
    // Chile skips midnight when DST starts: that day begins at 01:00 local.
    expect(zonedDayStart("2024-09-08", "America/Santiago").toISOString()).toBe("2024-09-08T04:00:00.000Z");
    expect(zonedDayStart("2024-06-01", "Pacific/Kiritimati").toISOString()).toBe("2024-05-31T10:00:00.000Z");
    expect(zonedRange("2024-03-01", "2024-03-31", "Asia/Shanghai")).toEqual({
      start: new Date("2024-02-29T16:00:00.000Z"),
      end: new Date("2024-03-31T16:00:00.000Z"),
    });
  });

  it("formats instants in the zone as dates and RFC 3339 with offset", () => {
    const sh = createZonedFormatter("Asia/Shanghai");
    const at = new Date("2024-02-29T16:00:00.000Z");
    expect(sh.date(at)).toBe("2024-03-01");
    expect(sh.dateTime(at)).toBe("2024-03-01 00:00:00");
    expect(sh.rfc3339(at)).toBe("2024-03-01T00:00:00+08:00");
    const ny = createZonedFormatter("America/New_York");
    expect(ny.rfc3339(new Date("2024-03-10T06:59:00Z"))).toBe("2024-03-10T01:59:00-05:00");
    expect(ny.rfc3339(new Date("2024-03-10T07:00:00Z"))).toBe("2024-03-10T03:00:00-04:00");
  });

  it("agrees with the zone's offset at every quarter hour around DST changes, in half- and quarter-hour zones too", () => {
    const zones = ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham"];
    for (const zone of zones) {
      const fmt = createZonedFormatter(zone);
      for (const day of ["2024-03-10", "2024-04-07", "2024-10-06", "2024-11-03"]) {
        const from = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
        for (let ms = from; ms < from + 3 * 86_400_000; ms += 900_000 + 7_001) {
          const at = new Date(ms);
          const offset = zoneOffsetMinutes(at, zone);
          expect(fmt.dateTime(at), `${zone} ${at.toISOString()}`).toBe(new Date(ms + offset * 60_000).toISOString().slice(0, 19).replace("T", " "));
        }
      }
    }
  });
});
