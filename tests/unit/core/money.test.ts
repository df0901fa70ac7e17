import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatYuan, isSupportedCurrency, MoneyFormatError, parseDecimalComma, parseMajor, parseYuan, toMajorString, toYuanString } from "@/lib/core/money";

describe("parseYuan", () => {
  it.each([
    ["88", 8800],
    ["474.4", 47440],
    ["0.10", 10],
    ["0.01", 1],
    ["0.29", 29],
    ["1,234.56", 123456],
    ["12,345,678.9", 1234567890],
    ["-0.50", -50],
    ["+3.00", 300],
    ["  12.34\n", 1234],
    ["\u300012.34\u3000", 1234],
    ["0.10000", 10],
    ["-1.20000", -120],
    ["007.5", 750],
    ["999999999999.99", 99999999999999],
    ["90071992547409.91", Number.MAX_SAFE_INTEGER],
  ])("parses %j as %d fen", (input, fen) => {
    expect(parseYuan(input)).toBe(fen);
  });

  it("never returns negative zero", () => {
    expect(Object.is(parseYuan("-0.00"), 0)).toBe(true);
  });

  it.each([
    "",
    "   ",
    "NaN",
    "Infinity",
    "1e5",
    "1E-2",
    "0x10",
    "1.234",
    "0.10001",
    "1.",
    ".5",
    "1.2.3",
    "1,23.45",
    "1234,567",
    ",123",
    "1,234,",
    "--1",
    "- 1",
    "¥1.00",
    "1 000",
    "1,234,56",
    "１２",
    "1234567890123456",
    "90071992547409.92",
  ])("rejects %j", (input) => {
    expect(() => parseYuan(input)).toThrow(MoneyFormatError);
  });

  it("names the bad value in the error", () => {
    expect(() => parseYuan("12.345")).toThrow(/"12\.345"/);
    const error = (() => {
      try {
        parseYuan("abc");
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(MoneyFormatError);
    expect(error).toMatchObject({ name: "MoneyFormatError", value: "abc" });
  });

  it("rejects non-strings handed over from untyped JSON", () => {
    expect(() => parseYuan(12.5 as unknown as string)).toThrow(MoneyFormatError);
  });
});

describe("parseDecimalComma", () => {
  it.each([
    ["105,20", 10520],
    ["105,2", 10520],
    ["105,", 10500],
    ["105", 10500],
    ["0,01", 1],
    ["-7,50", -750],
    [" 1234567,89 ", 123456789],
  ])("parses %j as %d fen", (input, fen) => {
    expect(parseDecimalComma(input)).toBe(fen);
  });

  it.each(["", ",20", "1.234,56", "105.20", "105,201", "1e3", "NaN", "105,20,1"])("rejects %j", (input) => {
    expect(() => parseDecimalComma(input)).toThrow(MoneyFormatError);
  });
});

describe("formatYuan", () => {
  it.each([
    [123456, undefined, "¥1,234.56"],
    [-50, undefined, "-¥0.50"],
    [123456, { symbol: false }, "1,234.56"],
    [123456, { symbol: true }, "¥1,234.56"],
    [0, undefined, "¥0.00"],
    [5, undefined, "¥0.05"],
    [100, { symbol: false }, "1.00"],
    [100000000, undefined, "¥1,000,000.00"],
    [-123456789012, { symbol: false }, "-1,234,567,890.12"],
  ])("formats %d fen (%j) as %s", (fen, opts, expected) => {
    expect(formatYuan(fen, opts)).toBe(expected);
  });

  it("rejects amounts that are not whole fen", () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => formatYuan(Number.NaN)).toThrow(RangeError);
  });
});

describe("toYuanString", () => {
  it.each([
    [123456, "1234.56"],
    [-50, "-0.50"],
    [0, "0.00"],
    [-0, "0.00"],
    [7, "0.07"],
    [1000000000000, "10000000000.00"],
  ])("writes %d fen as %s", (fen, expected) => {
    expect(toYuanString(fen)).toBe(expected);
  });

  it("round-trips through parseYuan for every amount within ±10^13 fen", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (fen) => {
        expect(parseYuan(toYuanString(fen))).toBe(fen);
        expect(parseYuan(formatYuan(fen, { symbol: false }))).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips small amounts, where float drift would show", () => {
    for (let fen = -1000; fen <= 1000; fen++) expect(parseYuan(toYuanString(fen))).toBe(fen);
  });
});

describe("isSupportedCurrency", () => {
  it("takes ISO 4217 codes with 0 or 2 minor digits, not invented ones or 3-digit ones", () => {
    for (const code of ["CNY", "USD", "EUR", "HKD", "JPY", "KRW", "CHF"]) expect(isSupportedCurrency(code), code).toBe(true);
    for (const code of ["ZZZ", "ABC", "KWD", "BHD", "cny", "RMB"]) expect(isSupportedCurrency(code), code).toBe(false);
  });
});

describe("parseMajor / toMajorString", () => {
  it("reads what a person types in the payment's currency, exactly", () => {
    expect(parseMajor("159.00", "CNY")).toBe(15900);
    expect(parseMajor("1,500", "JPY")).toBe(1500);
    expect(parseMajor("1500.00", "JPY")).toBe(1500);
    expect(() => parseMajor("15.5", "JPY")).toThrow(MoneyFormatError);
    expect(() => parseMajor("1.001", "USD")).toThrow(MoneyFormatError);
  });

  it("writes minor units back as they would be typed", () => {
    expect(toMajorString(15900, "CNY")).toBe("159.00");
    expect(toMajorString(1500, "JPY")).toBe("1500");
    expect(parseMajor(toMajorString(1234567, "USD"), "USD")).toBe(1234567);
  });
});
