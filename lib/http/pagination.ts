import { isUuid } from "@/lib/core/ids";
import { badRequest } from "@/lib/http/errors";

export interface PageCursor {
  at: Date;
  id: string;
}

/** Opaque keyset cursor over (timestamp desc, id desc): stable under inserts, fast at any depth. */
export const encodeCursor = (c: PageCursor) => Buffer.from(`${c.at.toISOString()}|${c.id}`).toString("base64url");

export function decodeCursor(value: string | null): PageCursor | null {
  if (!value) return null;
  const [at, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  if (!id || Number.isNaN(date.getTime()) || !isUuid(id)) throw badRequest("cursor: not a cursor from this API");
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

/** A `from`/`to` query value: `YYYY-MM-DD` (a day in the merchant's zone) or an RFC 3339 time. */
export function parseDateParam(name: string, value: string | null, timeZoneOffsetMinutes: number, endOfDay = false): Date | null {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw badRequest(`${name}: not a valid date`);
    return new Date(d.getTime() - timeZoneOffsetMinutes * 60_000 + (endOfDay ? 86_400_000 : 0));
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw badRequest(`${name}: expected YYYY-MM-DD or an RFC 3339 time`);
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
