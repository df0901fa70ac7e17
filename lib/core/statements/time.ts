const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Calendar-valid Y-M-D (rejects 2024-02-30), as "YYYY-MM-DD", or null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1900 || year > 2999) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return d.toISOString().slice(0, 10);
}

/** `20240501`, `2024-05-01`, `2024/05/01`, `2024.05.01` or `2024年05月01日` → "2024-05-01", else null. */
export function parseCnDate(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{4})(?:[-/.年]?)(\d{1,2})(?:[-/.月]?)(\d{1,2})日?$/.exec(t);
  if (!m) return null;
  if (!/[-/.年]/.test(t) && t.length !== 8) return null;
  return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `10:23:45`, `10:23`, `102345` or ICBC's `10.23.45[.ffffff]` → seconds since midnight, else null. */
export function parseClock(text: string): number | null {
  const m = /^(\d{1,2})[:.]?(\d{2})(?:[:.]?(\d{2}))?(?:\.\d{1,6})?$/.exec(text.trim());
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  return h * 3600 + mi * 60 + s;
}

/** A local date (and optional seconds since midnight) in Asia/Shanghai (UTC+8, no DST) → RFC 3339 UTC. */
export function shanghaiToIso(date: string, seconds = 0): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + seconds * 1000 - SHANGHAI_OFFSET_MS).toISOString();
}

/**
 * A Chinese export's date-time cell (`2024-05-01 10:23:45`, ICBC `2024-05-01-10.23.45.123456`,
 * `20240501 102345`, or a bare date) → the local date and the UTC instant, or null.
 */
export function parseCnDateTime(text: string): { date: string; iso: string } | null {
  const m = /^(\d{4}[-/.]?\d{1,2}[-/.]?\d{1,2})(?:[ T-]+(\S+))?$/.exec(text.trim());
  if (!m) return null;
  const date = parseCnDate(m[1]);
  if (!date) return null;
  if (m[2] === undefined) return { date, iso: shanghaiToIso(date) };
  const clock = parseClock(m[2]);
  return clock === null ? null : { date, iso: shanghaiToIso(date, clock) };
}

/** ISO 8601 date-time with an offset → RFC 3339 UTC; without an offset it is read as Asia/Shanghai. */
export function parseIsoDateTime(text: string): { date: string; iso: string } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!date) return null;
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  if (!m[7]) return { date, iso: shanghaiToIso(date, h * 3600 + mi * 60 + s) };
  const ms = Date.parse(text.trim().replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isFinite(ms) ? { date, iso: new Date(ms).toISOString() } : null;
}
