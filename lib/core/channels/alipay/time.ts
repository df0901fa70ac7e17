const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const BEIJING_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/**
 * Converts Alipay's `yyyy-MM-dd HH:mm:ss[.SSS]` (Beijing time, UTC+8, no DST) to RFC 3339 UTC, or null when the text
 * is not such a timestamp. `gmt_refund` carries milliseconds ("2015-04-28 15:45:57.320"), the other fields do not.
 */
export function beijingTimeToIso(text: string): string | null {
  const m = BEIJING_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millis = m[7] ? Number(m[7].padEnd(3, "0")) : 0;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(local);
  // Date.UTC rolls "02-30" over into March; a round trip exposes impossible calendar values.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return null;
  }
  return new Date(local - BEIJING_OFFSET_MS).toISOString();
}
