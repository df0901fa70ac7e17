/** Offset of `timeZone` from UTC at `at`, in minutes (Asia/Shanghai → 480). */
export function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export const localDate = (ms: number, timeZone: string) =>
  new Date(ms + zoneOffsetMinutes(new Date(ms), timeZone) * 60_000).toISOString().slice(0, 10);

/**
 * The instant the calendar day `date` starts in `timeZone`: the first millisecond whose local
 * date is `date`. Found by bisection rather than by applying one offset, because on a DST day the
 * offset at midnight differs from the offset later that day (and some zones skip midnight itself).
 */
export function zonedDayStart(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Every real offset lies within ±15 h, so the start is inside this window.
  let lo = midnightUtc - 15 * 3_600_000;
  let hi = midnightUtc + 15 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid, timeZone) >= date) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The instant the calendar day containing `at` (or `daysBack` days before it) starts in `timeZone`. */
export function startOfZonedDay(at: Date, timeZone: string, daysBack = 0): Date {
  const day = new Date(`${localDate(at.getTime(), timeZone)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - daysBack);
  return zonedDayStart(day.toISOString().slice(0, 10), timeZone);
}

/** `YYYY-MM-DD HH:mm` in the zone, for display. */
export function formatZoned(at: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(at, timeZone);
  return new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 16).replace("T", " ");
}

/** The last `count` calendar dates (`YYYY-MM-DD`) in `timeZone`, oldest first, ending with the one containing `at`. */
export function zonedDates(at: Date, timeZone: string, count: number): string[] {
  const today = new Date(`${localDate(at.getTime(), timeZone)}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(today);
    d.setUTCDate(d.getUTCDate() - (count - 1 - i));
    return d.toISOString().slice(0, 10);
  });
}
