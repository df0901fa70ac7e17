import { describe, expect, it } from "vitest";
import { decodeStatementBytes, detectStatementFormat, parseStatement, StatementFormatError } from "@/lib/core/statements";
import { ALIPAY_SAMPLE, CMB_SAMPLE, ICBC_SAMPLE, toGbk } from "../../../fixtures/statements/cn-exports";
import { fixture } from "./helpers";

describe("decodeStatementBytes", () => {
  it("UTF-8 with and without BOM, UTF-16 by BOM, else GBK", () => {
    const utf8 = new TextEncoder().encode("交易日期,贷方金额");
    expect(decodeStatementBytes(utf8)).toEqual({ text: "交易日期,贷方金额", encoding: "utf-8" });
    expect(decodeStatementBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toEqual({ text: "交易日期,贷方金额", encoding: "utf-8" });
    expect(decodeStatementBytes(toGbk("交易日期,贷方金额"))).toEqual({ text: "交易日期,贷方金额", encoding: "gbk" });
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from("贷方", (c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]).flat()]);
    expect(decodeStatementBytes(utf16)).toEqual({ text: "贷方", encoding: "utf-16le" });
  });
});

describe("auto detection", () => {
  it.each([
    ["camt053/postfinance_camt.053.001.04_CH2909000000250094239.xml", "camt053"],
    ["camt053/stuzza_at_camt.053.001.02_valid_example_stuzza.xml", "camt053"],
    ["camt053/ubs_ch_camt.053.001.08_valid_example_v8.xml", "camt053"],
    ["camt053/genkgo_camt.053.001.08_fixture.xml", "camt053"],
    ["camt054/postfinance_camt.054.001.04_ESR-ASR_batch.xml", "camt054"],
    ["camt054/postfinance_camt.054.001.04_credit.xml", "camt054"],
    ["mt940/ing_nl_sepa_ing-4.txt", "mt940"],
    ["mt940/volksbank_de_volksbankenraiffeisenbanken_CRLF.txt", "mt940"],
    ["mt940/abnamro_nl_sepa_abnamro2_CRLF.txt", "mt940"],
    ["mt940/asnbank_nl_swift_blocks_mt940.txt", "mt940"],
    ["wechatpay-bill/wechatpay_v3_tradebill_ALL_20210128.csv", "wechat-bill"],
  ])("%s → %s", (name, format) => {
    expect(parseStatement("auto", fixture(name)).format).toBe(format);
  });

  it("recognises our GBK CMB, ICBC and Alipay exports", () => {
    expect(parseStatement("auto", toGbk(CMB_SAMPLE)).format).toBe("cmb-csv");
    expect(parseStatement("auto", toGbk(ICBC_SAMPLE)).format).toBe("icbc-csv");
    expect(parseStatement("auto", toGbk(ALIPAY_SAMPLE)).format).toBe("alipay-bill");
  });

  it("anything else is a StatementFormatError, and detect says null", () => {
    expect(detectStatementFormat("name,amount\nx,1\n")).toBeNull();
    expect(() => parseStatement("auto", new TextEncoder().encode("name,amount\nx,1\n"))).toThrow(StatementFormatError);
    expect(() => parseStatement("auto", new Uint8Array([0, 1, 2, 255]))).toThrow(StatementFormatError);
  });
});
