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

describe("the order import's own reasons", () => {
  it("read in Chinese, with the order and the amounts kept", () => {
    const rounded = "主订单编号: 6928374655102940000 is a number in the workbook, which Excel keeps to 15 digits, so the order id is lost and not imported; the column must be text: in Excel, format the column as 文本 / Text before pasting the ids (or upload the platform's own export)";
    expect(zh(rounded)).toEqual({ text: expect.stringContaining("6928374655102940000 被 Excel 存成了数字"), detail: null });
    const repeated = "order id 201: 总金额 99.00 differs from 128.00 on line 2, which was imported: the lines of one order repeat its amount, so this line is not imported";
    expect(zh(repeated).text).toContain("订单 201：总金额 99.00 与第 2 行（已导入）的 128.00 不同");
    const held = "order 4000000000000000101: the platform shows it 交易关闭, but 128.00 is allocated to it here: not closed (refund the money, or take it off the order, if the order was cancelled)";
    expect(zh(held).text).toContain("平台显示为“交易关闭”，但这里已有 128.00 收款记在该订单上");
    const changed = "order 4000000000000000101: the amount changed from 128.00 to 100.00 on the platform: not applied, the order keeps 128.00";
    expect(zh(changed)).toEqual({ text: "订单 4000000000000000101：平台上的金额由 128.00 改为 100.00，未采用，订单仍为 128.00", detail: null });
    expect(en(changed).detail).toBeNull();
  });

  it("a bill's transaction number Excel rounded says how to keep it", () => {
    expect(zh("serial 4200002695202611250000000000 was saved by Excel as a number and lost its last digits: not imported; upload the bill as the channel exported it (CSV), or format the column as Text").text).toBe(
      "交易号 4200002695202611250000000000 被 Excel 存成了数字，末几位已丢失，不导入；请上传渠道导出的原始账单（CSV），或把该列设为“文本”格式",
    );
  });
});
