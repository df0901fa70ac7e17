// Building an Intl.DateTimeFormat costs far more than formatting with one: one per zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at `at`, in minutes (Asia/Shanghai → 480). */
export function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export const localDate = (ms: number, timeZone: string) =>
  new Date(ms + zoneOffsetMinutes(new Date(ms), timeZone) * 60_000).toISOString().slice(0, 10);

/**
 * The instant the calendar day `date` starts in `timeZone`: the first millisecond whose local
 * date is `date`. Local midnight under the offset in force there, when the instant before it is still the
 * day before; otherwise found by bisection, because on a DST day the offset at midnight may differ from
 * the offset later that day (and some zones skip midnight itself).
 */
export function zonedDayStart(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Local midnight under the offset in force just before it, taken when it checks out (nearly every day).
  const guess = midnightUtc - zoneOffsetMinutes(new Date(midnightUtc - zoneOffsetMinutes(new Date(midnightUtc), timeZone) * 60_000), timeZone) * 60_000;
  if (localDate(guess, timeZone) >= date && localDate(guess - 1, timeZone) < date) return new Date(guess);
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
