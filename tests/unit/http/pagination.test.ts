import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/errors";
import { dateRangeParams, decodeCursor, encodeCursor, isStorableInstant, parseDateParam, searchParam } from "@/lib/http/pagination";

const ID = "0b8f0f6e-3c1a-4a53-9d43-7f7c9a0e2b11";
const cursor = (at: string) => Buffer.from(`${at}|${ID}`).toString("base64url");
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return { status: (err as ApiError).status, message: (err as ApiError).message };
  }
  throw new Error("expected a refusal");
};

describe("keyset cursors", () => {
  it("round-trip any instant the database stores", () => {
    for (const at of ["0001-01-01T00:00:00.000Z", "2026-11-25T02:00:00.123Z", "9999-12-31T23:59:59.999Z"]) {
      expect(decodeCursor(encodeCursor({ at: new Date(at), id: ID }))).toEqual({ at: new Date(at), id: ID });
    }
  });

  it("refuse a date JavaScript reads but PostgreSQL cannot store, as a 400 naming the cursor", () => {
    for (const at of ["0000-01-01T00:00:00.000Z", "0000-12-31T23:59:59.999Z", "-001000-01-01T00:00:00.000Z", "+010000-01-01T00:00:00.000Z", "+275000-01-01T00:00:00.000Z", "not a date"]) {
      expect(refusal(() => decodeCursor(cursor(at))), at).toEqual({ status: 400, message: expect.stringContaining("cursor") });
    }
  });
});

describe("isStorableInstant", () => {
  it("holds exactly UTC years 0001–9999", () => {
    expect(isStorableInstant(new Date("0001-01-01T00:00:00.000Z"))).toBe(true);
    expect(isStorableInstant(new Date("9999-12-31T23:59:59.999Z"))).toBe(true);
    expect(isStorableInstant(new Date(Date.parse("0001-01-01T00:00:00.000Z") - 1))).toBe(false);
    expect(isStorableInstant(new Date(Date.parse("9999-12-31T23:59:59.999Z") + 1))).toBe(false);
    expect(isStorableInstant(new Date(NaN))).toBe(false);
  });
});

describe("from/to", () => {
  const SHANGHAI = 480;

  it("a date is the merchant's day; a time with an offset is exact", () => {
    expect(parseDateParam("from", "2026-11-25", SHANGHAI)?.toISOString()).toBe("2026-11-24T16:00:00.000Z");
    expect(parseDateParam("to", "2026-11-25", SHANGHAI, true)?.toISOString()).toBe("2026-11-25T16:00:00.000Z");
    expect(parseDateParam("from", "2026-11-25T10:00:00+08:00", SHANGHAI)?.toISOString()).toBe("2026-11-25T02:00:00.000Z");
    expect(parseDateParam("from", "2026-11-25t02:00:00.5z", SHANGHAI)?.toISOString()).toBe("2026-11-25T02:00:00.500Z");
    expect(parseDateParam("from", "2026-11-25T02:00Z", SHANGHAI)?.toISOString()).toBe("2026-11-25T02:00:00.000Z");
    expect(dateRangeParams(new URLSearchParams(""))).toEqual({ from: null, to: null });
  });

  it("a time without an offset is refused, not read in the server's zone", () => {
    for (const v of ["2026-01-01T00:00:00", "2026-01-01T00:00", "2026-01-01T00:00:00.000"]) {
      expect(refusal(() => parseDateParam("from", v, SHANGHAI)), v).toEqual({ status: 400, message: expect.stringMatching(/^from: .*offset/) });
    }
  });

  it("a date or time outside what the database stores, or not on the calendar, is a 400 naming the field", () => {
    const bad = ["0000-01-01T00:00:00Z", "0001-01-01T07:59:59+08:00", "9999-12-31T23:59:59-00:01", "2026-02-30T00:00:00Z", "2026-02-30", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00+24:00", "+275000-01-01T00:00:00Z", "2026-01-01 00:00:00Z", "yesterday"];
    for (const v of [...bad, "0001-01-01"]) {
      expect(refusal(() => parseDateParam("from", v, SHANGHAI)), v).toEqual({ status: 400, message: expect.stringMatching(/^from: /) });
    }
    // The end of the merchant's day 0000-12-31 is still in year 0 in UTC.
    for (const v of [...bad, "0000-12-31"]) {
      expect(refusal(() => parseDateParam("to", v, SHANGHAI, true)), v).toEqual({ status: 400, message: expect.stringMatching(/^to: /) });
    }
    expect(parseDateParam("from", "0001-01-01T00:00:00Z", SHANGHAI)?.toISOString()).toBe("0001-01-01T00:00:00.000Z");
    expect(parseDateParam("to", "9999-12-31", SHANGHAI, true)?.toISOString()).toBe("9999-12-31T16:00:00.000Z");
  });
});

describe("searchParam", () => {
  it("passes what a person types and refuses a NUL or a novel", () => {
    expect(searchParam(new URLSearchParams("q=%E7%A6%BE%E6%9C%A8"))).toBe("禾木");
    expect(searchParam(new URLSearchParams(""))).toBeUndefined();
    expect(() => searchParam(new URLSearchParams("q=a%00b"))).toThrow(ApiError);
    expect(() => searchParam(new URLSearchParams(`q=${"x".repeat(201)}`))).toThrow(/at most 200/);
  });
});
