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

describe("exports of another kind", () => {
  const refused = (format: Parameters<typeof parseStatement>[0], text: string) => {
    try {
      parseStatement(format, toGbk(text));
    } catch (err) {
      if (err instanceof StatementFormatError) return err.message;
      throw err;
    }
    throw new Error("not refused");
  };

  it("names what was uploaded and what to upload instead, whichever format was asked", () => {
    const fund = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）\n`2026-11-20 10:00:00,`4200001234,`1234,`交易,`交易,`收入,`128.00,`1000.00\n";
    for (const format of ["auto", "wechat-bill"] as const) expect(refused(format, fund)).toMatch(/资金账单.*交易账单/);
    const account = "#支付宝账务明细查询\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）\n";
    expect(refused("alipay-bill", account)).toMatch(/账务明细.*业务明细/);
    expect(refused("auto", "订单编号,买家会员名,买家实际支付金额,订单状态\n")).toMatch(/Taobao order export: import it as platform orders/);
    expect(refused("cmb-csv", "主订单编号,子订单编号,订单应付金额\n")).toMatch(/Douyin order export/);
    expect(refused("auto", '<?xml version="1.0"?><Document><BkToCstmrAcctRpt><Rpt/></BkToCstmrAcctRpt></Document>')).toMatch(/camt\.052/);
    expect(refused("auto", "a,b,c\n1,2,3\n")).toMatch(/matches none of/);
    // Tab-separated and 帐 for 账 as exports write them; one Alipay-like column alone is no Alipay statement.
    expect(refused("auto", "#支付宝账务明细查询\n帐务流水号\t业务流水号\t商户订单号\n")).toMatch(/账务明细/);
    expect(refused("cmb-csv", "日期,账务流水号,金额\n")).not.toMatch(/账务明细/);
  });

  it("leaves the files it reads alone", () => {
    expect(parseStatement("auto", toGbk(CMB_SAMPLE)).format).toBe("cmb-csv");
    expect(parseStatement("alipay-bill", toGbk(ALIPAY_SAMPLE)).lines.length).toBeGreaterThan(0);
  });
});
