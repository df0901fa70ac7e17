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

/** The instant the calendar day containing `at` starts in `timeZone`. */
export function startOfZonedDay(at: Date, timeZone: string, daysBack = 0): Date {
  const offset = zoneOffsetMinutes(at, timeZone);
  const local = new Date(at.getTime() + offset * 60_000);
  const midnightLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - daysBack);
  return new Date(midnightLocal - offset * 60_000);
}

/** `YYYY-MM-DD HH:mm` in the zone, for display. */
export function formatZoned(at: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(at, timeZone);
  return new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 16).replace("T", " ");
}
