import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAlipayForm } from "@/lib/core/channels/alipay/parse-form";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { toFormBody } from "@/tests/helpers/alipay-signer";
import { tradeStatusSync } from "./fixtures";

function formatError(fn: () => unknown): NotificationFormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NotificationFormatError) return error;
    throw error;
  }
  throw new Error("expected a NotificationFormatError");
}

describe("parseAlipayForm", () => {
  it("round-trips the real notify through a form body", () => {
    const params = tradeStatusSync();
    expect(parseAlipayForm(toFormBody(params))).toEqual(params);
  });

  it("decodes exactly once: + is a space, %2B a plus, UTF-8 Chinese, passback_params stays encoded", () => {
    const passback = encodeURIComponent("order=P7K2M9QX4D&note=加急 100%");
    const body =
      "subject=%E8%AF%AD%E9%9B%80%E7%A9%BA%E9%97%B4+500%E4%BA%BA%E8%A7%84%E6%A8%A1" +
      "&notify_time=2019-08-15+15%3A56%3A25&sign=ab%2Bcd%2F%3D%3D&literal=a+b%2Bc" +
      `&passback_params=${encodeURIComponent(passback)}&raw=中文`;
    expect(parseAlipayForm(body)).toEqual({
      subject: "语雀空间 500人规模",
      notify_time: "2019-08-15 15:56:25",
      sign: "ab+cd/==",
      literal: "a b+c",
      passback_params: passback,
      raw: "中文",
    });
    expect(passback).toContain("%25");
    expect(parseAlipayForm(toFormBody({ passback_params: passback })).passback_params).toBe(passback);
  });

  it("agrees with URLSearchParams on well-formed bodies", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, unit: "grapheme" }), fc.string({ unit: "grapheme" })), { selector: ([k]) => k }), (pairs) => {
        // A non-UTF-8 charset declaration is refused on purpose (tested below).
        fc.pre(!pairs.some(([k]) => k === "charset"));
        const body = new URLSearchParams(pairs).toString();
        expect(parseAlipayForm(body)).toEqual(Object.fromEntries(new URLSearchParams(body)));
      }),
    );
  });

  it("handles empty bodies, empty segments, missing '=' and a __proto__ field", () => {
    expect(parseAlipayForm("")).toEqual({});
    expect(parseAlipayForm("a=1&&b=&c")).toEqual({ a: "1", b: "", c: "" });
    const parsed = parseAlipayForm("__proto__=x&a=1");
    expect(Object.hasOwn(parsed, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it("rejects malformed percent sequences and invalid UTF-8, naming the field", () => {
    expect(formatError(() => parseAlipayForm("a=1&total_amount=10%")).field).toBe("total_amount");
    expect(formatError(() => parseAlipayForm("subject=%E8%AF")).field).toBe("subject");
    expect(formatError(() => parseAlipayForm("subject=%ZZ")).field).toBe("subject");
    expect(formatError(() => parseAlipayForm("subject=%ED%A0%80")).field).toBe("subject");
    expect(formatError(() => parseAlipayForm("a%E8=1")).field).toBe("a%E8");
  });

  it("rejects a repeated key, also when it differs only in encoding", () => {
    expect(formatError(() => parseAlipayForm("trade_no=1&trade_no=2")).field).toBe("trade_no");
    expect(formatError(() => parseAlipayForm("trade_no=1&trade%5Fno=1")).field).toBe("trade_no");
  });

  it("refuses a non-UTF-8 charset instead of producing mojibake", () => {
    expect(formatError(() => parseAlipayForm("charset=gbk&subject=%D3%EF")).field).toBe("subject");
    expect(formatError(() => parseAlipayForm("charset=gbk&subject=abc")).field).toBe("charset");
    expect(parseAlipayForm("charset=UTF-8").charset).toBe("UTF-8");
  });

  it("on arbitrary input either returns string fields or throws NotificationFormatError", () => {
    const formish = fc.array(fc.oneof(fc.string(), fc.constantFrom("%", "%2", "%E8%AF", "+", "=", "&", "%ZZ", "charset=gbk", "a=1")), { maxLength: 12 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), formish), (body) => {
        try {
          const parsed = parseAlipayForm(body);
          for (const value of Object.values(parsed)) expect(typeof value).toBe("string");
        } catch (error) {
          expect(error).toBeInstanceOf(NotificationFormatError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
