import { describe, expect, it } from "vitest";
import { localDate, startOfZonedDay, zonedDayStart, zoneOffsetMinutes } from "@/lib/core/time";

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

describe("zonedDayStart's midnight shortcut", () => {
  // The definition, by bisection: the first millisecond whose local date is `date`.
  const bisected = (date: string, timeZone: string) => {
    let lo = Date.parse(`${date}T00:00:00Z`) - 15 * 3_600_000;
    let hi = lo + 30 * 3_600_000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (localDate(mid, timeZone) >= date) hi = mid;
      else lo = mid;
    }
    return new Date(hi).toISOString();
  };
  it("agrees with bisection every day of 2018, in zones with DST at midnight (Santiago, Havana, São Paulo), half- and quarter-hour offsets", () => {
    const zones = ["Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "America/New_York", "America/Santiago", "America/Havana", "America/Sao_Paulo"];
    for (const zone of zones) {
      for (let d = Date.parse("2018-01-01T00:00:00Z"); d < Date.parse("2019-01-01T00:00:00Z"); d += 86_400_000) {
        const date = new Date(d).toISOString().slice(0, 10);
        expect(zonedDayStart(date, zone).toISOString(), `${zone} ${date}`).toBe(bisected(date, zone));
      }
    }
  });
});
