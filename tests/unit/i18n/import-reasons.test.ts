import { describe, expect, it } from "vitest";
import { describeRejectedLine } from "@/lib/i18n/import-reasons";
import { MESSAGES, type Locale } from "@/lib/i18n/messages";

const zh = (m: string) => describeRejectedLine(m, { locale: "zh-CN", messages: MESSAGES["zh-CN"] });
const en = (m: string) => describeRejectedLine(m, { locale: "en" as Locale, messages: MESSAGES.en });

describe("describeRejectedLine", () => {
  it("translates the parsers' usual reasons, keeping the file's column and value", () => {
    expect(zh('贷方金额: "abc" is not an amount')).toEqual({ text: "贷方金额“abc”不是有效的金额", detail: null });
    expect(zh('date "2026-11-31" is not a date')).toEqual({ text: "日期“2026-11-31”不是有效的日期", detail: null });
    expect(zh('完成时间 "昨天" is not a date-time').text).toBe("完成时间“昨天”不是有效的日期");
    expect(zh(':61: value date "261131" is not a date').text).toBe("起息日“261131”不是有效的日期");
    expect(zh('总金额: "0.00" is not a positive amount (an order must ask for money)').text).toBe("总金额“0.00”不是大于零的金额");
    expect(zh('order id: "x" is not a platform order number').text).toBe("订单编号“x”不是平台订单号");
    expect(zh('currency "XYZW" is not an ISO 4217 code').text).toBe("币种“XYZW”无法识别");
    expect(zh("zero amount").text).toBe("金额为零");
    expect(zh(":61: zero amount").text).toBe("金额为零");
    expect(zh("no debit or credit amount").text).toBe("没有金额");
    expect(zh("both debit and credit amounts are filled").text).toBe("借方与贷方金额同时有值");
    expect(zh("微信订单号 is empty").text).toBe("微信订单号为空");
  });

  it("reads the same in English", () => {
    expect(en('贷方金额: "abc" is not an amount')).toEqual({ text: '贷方金额: "abc" is not a valid amount', detail: null });
    expect(en('date "2026-11-31" is not a date').text).toBe('date: "2026-11-31" is not a valid date');
  });

  it("labels a reason it does not know and keeps the parser's text as the detail", () => {
    expect(zh("a reason no parser writes")).toEqual({ text: "无法读取此行：", detail: "a reason no parser writes" });
    expect(en("something new").text).toBe("line not read:");
  });
});
