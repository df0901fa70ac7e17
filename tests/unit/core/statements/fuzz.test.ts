import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStatement, STATEMENT_FORMATS, StatementFormatError, type StatementParseResult } from "@/lib/core/statements";
import { ALIPAY_SAMPLE, CMB_SAMPLE, ICBC_SAMPLE, toGbk } from "../../../fixtures/statements/cn-exports";
import { fixture } from "./helpers";

const FORMATS = ["auto", ...STATEMENT_FORMATS] as const;

/** Parses, allowing only StatementFormatError to escape; checks every line's money is a sane integer. */
function check(format: (typeof FORMATS)[number], input: Uint8Array | string) {
  let result: StatementParseResult;
  try {
    result = parseStatement(format, input);
  } catch (error) {
    expect(error).toBeInstanceOf(StatementFormatError);
    return;
  }
  for (const l of result.lines) {
    expect(Number.isSafeInteger(l.amount) && l.amount > 0, `amount ${l.amount}`).toBe(true);
    expect(Number.isNaN(Date.parse(l.bookedAt))).toBe(false);
    expect(l.currency).toMatch(/^[A-Z]{3}$/);
    expect(l.lineNo).toBeGreaterThanOrEqual(0);
  }
  for (const r of result.rejected) expect(typeof r.message).toBe("string");
}

const SEEDS: Uint8Array[] = [
  fixture("camt053/postfinance_camt.053.001.04_CH2909000000250094239.xml"),
  fixture("camt054/postfinance_camt.054.001.04_ESR-ASR_batch.xml"),
  fixture("mt940/volksbank_de_volksbankenraiffeisenbanken_CRLF.txt"),
  fixture("mt940/ing_nl_sepa_ing-4.txt"),
  fixture("wechatpay-bill/wechatpay_v3_tradebill_ALL_20210128.csv"),
  toGbk(CMB_SAMPLE),
  toGbk(ICBC_SAMPLE),
  toGbk(ALIPAY_SAMPLE),
];

describe("parsers never throw anything but StatementFormatError and never produce NaN money", () => {
  it("arbitrary bytes, every format", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...FORMATS), (bytes, format) => check(format, bytes)),
      { numRuns: 400 },
    );
  });

  it("arbitrary strings (unicode, separators, MT940 and XML punctuation), every format", () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(":20:", ":61:", ":86:", ":60F:C240101EUR1,00", "\n", "\r\n", ",", '"', "`", "?20", "/REMI/", "-}", "{4:", "<Ntry>", "</Ntry>", "交易日期", "贷方金额", "流水号", "#"),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }).map((p) => p.join("")), fc.constantFrom(...FORMATS), (text, format) => check(format, text)),
      { numRuns: 400 },
    );
  });

  it("real and fixture files with random bytes changed, cut or duplicated", () => {
    const mutated = fc
      .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(), fc.boolean())
      .map(([seed, edits, cut, dup]) => {
        const bytes = Uint8Array.from(seed);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const head = bytes.subarray(0, cut % (bytes.length + 1));
        return dup ? Uint8Array.from([...head, ...bytes]) : head;
      });
    fc.assert(fc.property(mutated, fc.constantFrom(...FORMATS), (bytes, format) => check(format, bytes)), { numRuns: 300 });
  });
});
