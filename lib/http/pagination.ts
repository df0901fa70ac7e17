import { isUuid } from "@/lib/core/ids";
import { badRequest } from "@/lib/http/errors";

export interface PageCursor {
  at: Date;
  id: string;
}

// The instants our timestamptz columns take through the driver: it sends Date#toISOString(), which
// PostgreSQL reads only for years 0001–9999 (year 0, "-000001-…" and "+010000-…" are errors there).
// JavaScript parses far wider, so every instant from a client is held to this range before a query.
const MIN_STORABLE_MS = Date.parse("0001-01-01T00:00:00.000Z");
const MAX_STORABLE_MS = Date.parse("9999-12-31T23:59:59.999Z");
export const STORABLE_RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z";

/** A valid Date the database can store and compare (UTC years 0001–9999). */
export const isStorableInstant = (d: Date) => {
  const ms = d.getTime();
  return ms >= MIN_STORABLE_MS && ms <= MAX_STORABLE_MS;
};

/** Opaque keyset cursor over (timestamp, id), newest first in most lists: stable under inserts, fast at any depth. */
export const encodeCursor = (c: PageCursor) => Buffer.from(`${c.at.toISOString()}|${c.id}`).toString("base64url");

export function decodeCursor(value: string | null): PageCursor | null {
  if (!value) return null;
  const [at, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  if (!id || !isStorableInstant(date) || !isUuid(id)) throw badRequest("cursor: not a cursor from this API");
  return { at: date, id };
}

/** A query parameter naming one of our rows by id; absent → undefined. */
export function uuidParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  if (!v) return undefined;
  if (!isUuid(v)) throw badRequest(`${name}: not an id this API returned`);
  return v.toLowerCase();
}

/** `?limit=` per the contract: default 50, max 500. */
export function parseLimit(value: string | null): number {
  if (value === null) return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw badRequest("limit: must be an integer from 1 to 500");
  return n;
}

const isCalendarDate = (ymd: string) => {
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
};

// RFC 3339 date-time, offset required (seconds may be left out, as JavaScript and most clients allow).
const RFC3339_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const TIME_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/;

/**
 * A `from`/`to` query value: `YYYY-MM-DD` (a day in the merchant's zone) or an RFC 3339 time with its
 * offset. A time without one is refused rather than read in the server's zone: the contract's times
 * carry their offset, and guessing one would move the filter by hours without telling the caller.
 */
export function parseDateParam(name: string, value: string | null, timeZoneOffsetMinutes: number, endOfDay = false): Date | null {
  if (!value) return null;
  let d: Date;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!isCalendarDate(value)) throw badRequest(`${name}: not a valid date`);
    d = new Date(Date.parse(`${value}T00:00:00Z`) - timeZoneOffsetMinutes * 60_000 + (endOfDay ? 86_400_000 : 0));
  } else {
    const time = value.toUpperCase();
    if (TIME_WITHOUT_OFFSET.test(time)) throw badRequest(`${name}: a time needs its offset (Z or +08:00), e.g. 2026-11-25T10:00:00+08:00`);
    const m = RFC3339_TIME.exec(time);
    // JavaScript rolls 02-30 over to March and 24:00 to the next day: the fields are checked first.
    const valid =
      m !== null && isCalendarDate(m[1]) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4] ?? 0) < 60 && Number(m[5] ?? 0) < 24 && Number(m[6] ?? 0) < 60;
    if (!valid) throw badRequest(`${name}: expected YYYY-MM-DD or an RFC 3339 time with offset`);
    d = new Date(time);
  }
  if (!isStorableInstant(d)) throw badRequest(`${name}: out of range (${STORABLE_RANGE})`);
  return d;
}

/** The lists' days are the merchant's days in Asia/Shanghai (UTC+8, no daylight saving). */
const SHANGHAI_OFFSET_MINUTES = 480;

/** A list's `from`/`to` filter: from the start of `from`'s day, up to the end of `to`'s (or the exact times given). */
export function dateRangeParams(q: URLSearchParams): { from: Date | null; to: Date | null } {
  return {
    from: parseDateParam("from", q.get("from"), SHANGHAI_OFFSET_MINUTES),
    to: parseDateParam("to", q.get("to"), SHANGHAI_OFFSET_MINUTES, true),
  };
}

/** An optional enum query parameter; an unknown value is a 400 naming the parameter. */
export function enumParam<T extends string>(q: URLSearchParams, name: string, values: readonly T[]): T | undefined {
  const v = q.get(name);
  if (!v) return undefined;
  if (!(values as readonly string[]).includes(v)) throw badRequest(`${name}: unknown value "${v}"`);
  return v as T;
}

/** Longest search text a list takes: more is no search a person types. */
const MAX_SEARCH_LENGTH = 200;

/**
 * The `q` search text of a list, or undefined: 400 for a NUL character (no stored text holds one, and
 * PostgreSQL refuses it in a parameter) or text longer than a person types.
 */
export function searchParam(q: URLSearchParams, name = "q"): string | undefined {
  const value = q.get(name);
  if (value === null) return undefined;
  if (value.includes("\u0000")) throw badRequest(`${name}: must not contain the NUL character`, "invalid_field");
  if (value.length > MAX_SEARCH_LENGTH) throw badRequest(`${name}: at most ${MAX_SEARCH_LENGTH} characters`, "invalid_field");
  return value;
}
