import { zonedDayStart } from "@/lib/core/time";

export { zonedDayStart };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True when `s` is a real calendar date written `YYYY-MM-DD` (no 2024-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === s;
}

/** `YYYY-MM-DD` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to`, both included (1 when equal). */
export function daysBetweenInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** Every date from `from` to `to` inclusive. */
export function eachDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The half-open UTC interval [start, end) covering the local dates `from`..`to` inclusive. */
export function zonedRange(from: string, to: string, timeZone: string): { start: Date; end: Date } {
  return { start: zonedDayStart(from, timeZone), end: zonedDayStart(addDays(to, 1), timeZone) };
}

/**
 * A fast local-date and RFC 3339 formatter for one zone. Reports format millions of instants, so the
 * Intl formatter is built once and offsets are cached per UTC quarter hour (no zone shifts inside one).
 */
export function createZonedFormatter(timeZone: string) {
  const offsets = new Map<number, number>();
  const wallClock = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  });
  // The zone's offset at a quarter hour: its wall-clock time read as UTC, minus the instant.
  const offsetOfQuarter = (ms: number) => {
    const f: Record<string, number> = {};
    for (const p of wallClock.formatToParts(ms)) if (p.type !== "literal") f[p.type] = Number(p.value);
    return Math.round((Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute) - ms) / 60_000);
  };
  const offsetAt = (ms: number) => {
    const bucket = Math.floor(ms / 900_000);
    let off = offsets.get(bucket);
    if (off === undefined) {
      off = offsetOfQuarter(bucket * 900_000);
      if (offsets.size > 100_000) offsets.clear();
      offsets.set(bucket, off);
    }
    return off;
  };
  const local = (at: Date) => new Date(at.getTime() + offsetAt(at.getTime()) * 60_000).toISOString();
  return {
    /** `YYYY-MM-DD` of the instant in the zone. */
    date: (at: Date) => local(at).slice(0, 10),
    /** `YYYY-MM-DD HH:mm:ss` in the zone, for spreadsheets and PDFs. */
    dateTime: (at: Date) => local(at).slice(0, 19).replace("T", " "),
    /** RFC 3339 with the zone's offset (`2026-11-25T10:00:00+08:00`), as the contract writes times. */
    rfc3339: (at: Date) => {
      const off = offsetAt(at.getTime());
      const sign = off < 0 ? "-" : "+";
      const abs = Math.abs(off);
      const hh = String(Math.floor(abs / 60)).padStart(2, "0");
      const mm = String(abs % 60).padStart(2, "0");
      return `${local(at).slice(0, 19)}${sign}${hh}:${mm}`;
    },
  };
}

/** The formatter type {@link createZonedFormatter} returns. */
export type ZonedFormatter = ReturnType<typeof createZonedFormatter>;
