import { describe, expect, it } from "vitest";
import { describeApiError, describeError, isApiErrorLike, type ApiErrorLike } from "@/lib/i18n/api-errors";
import { MESSAGES, type Locale } from "@/lib/i18n/messages";

const ctx = (locale: Locale, currency?: string) => ({ locale, messages: MESSAGES[locale], currency });
const zh = (err: ApiErrorLike, currency?: string) => describeApiError(err, ctx("zh-CN", currency));
const en = (err: ApiErrorLike, currency?: string) => describeApiError(err, ctx("en", currency));
const invalid = (message: string): ApiErrorLike => ({ status: 400, code: "invalid_field", message });
// Intl puts a no-break space between a currency code and the number.
const plain = (s: string) => s.replace(/\u00a0/g, " ");

describe("describeApiError: known validation failures by field", () => {
  const over = invalid("allocations: the amounts add up to 20000, more than the payment amount 15900");

  it("names the amounts in yuan, never in fen, and never the request path", () => {
    expect(zh(over)).toBe("分配金额合计 ¥200.00，超过了收款金额 ¥159.00。");
    expect(en(over)).toBe("The allocations add up to ¥200.00, more than the payment amount ¥159.00.");
    for (const text of [zh(over), en(over)]) {
      expect(text).not.toMatch(/20000|15900|allocations:/);
    }
  });

  it("uses the payment's currency for a foreign-currency payment", () => {
    expect(plain(zh(over, "CHF"))).toBe("分配金额合计 CHF 200.00，超过了收款金额 CHF 159.00。");
    expect(plain(en(invalid("allocations: the amounts add up to 2000, more than the payment amount 1590"), "JPY"))).toBe(
      "The allocations add up to JPY 2,000, more than the payment amount JPY 1,590.",
    );
  });

  it("turns a zod minimum into 'fill in' with the field's label", () => {
    const note = invalid("note: Too small: expected string to have >=1 characters");
    expect(zh(note)).toBe("请填写处理说明。");
    expect(en(note)).toBe("Note is required.");
    expect(zh(invalid("newPassword: must be at least 10 characters"))).toBe("新密码至少需要 10 个字符。");
    expect(zh(invalid("name: Too big: expected string to have <=100 characters"))).toBe("名称最多 100 个字符。");
  });

  it("names the row of an array field, counted from 1", () => {
    expect(zh(invalid("allocations.1.amount: Too small: expected number to be >0"))).toBe("第 2 行的金额超出了允许的范围。");
    expect(en(invalid("allocations.1.amount: Too small: expected number to be >0"))).toBe("Amount in row 2 is out of range.");
    expect(zh(invalid("allocations.0.reference: LD7K2M9QX4 appears twice"))).toBe("收款码 LD7K2M9QX4 填写了两次。");
    expect(zh(invalid("rules.2.actions.assignTo: no such user"))).toBe("第 3 条规则指派的成员不存在。");
  });

  it("names a channel credential by its form label", () => {
    const key = invalid("credentials.alipayPublicKey: not an RSA public key (PEM or base64 SPKI)");
    expect(zh(key)).toBe("支付宝公钥填写不正确。");
    expect(en(key)).toBe("Alipay public key is not valid. (not an RSA public key (PEM or base64 SPKI))");
  });

  it("explains the statement account mismatch with channel and format names", () => {
    const e = invalid("channelAccountId: a alipay-bill file belongs to a alipay account, this account is bank");
    expect(zh(e)).toBe("支付宝账单文件应导入支付宝账户，所选账户是银行转账。");
  });

  it("says what is wrong with a report range", () => {
    expect(zh(invalid("to: must not be before from"))).toBe("结束日期不能早于开始日期。");
    expect(en(invalid("to: the range may cover at most 366 days"))).toBe("The period may cover at most 366 days.");
  });
});

describe("describeApiError: by code", () => {
  it("translates the conflicts a person meets", () => {
    const lastOwner = { status: 409, code: "last_owner", message: "A merchant needs at least one owner: promote another member first" };
    expect(zh(lastOwner)).toBe("商户至少需要一位所有者：请先将其他成员设为所有者。");
    expect(en(lastOwner)).toContain("at least one owner");
    expect(zh({ status: 409, code: "suggestion_stale", message: "Order LD7K2M9QX4 was paid since this suggestion was made; match by hand instead" })).toBe(
      "订单 LD7K2M9QX4 在给出建议后已收到付款，请改用手动匹配。",
    );
    expect(zh({ status: 403, code: "wrong_password", message: "The current password is incorrect" })).toBe("当前密码不正确。");
    expect(zh({ status: 409, code: "use_account_page", message: "Change your own password on /settings/account" })).toBe("修改自己的密码请到「账户」页，并输入当前密码。");
    expect(en({ status: 409, code: "order_closed", message: "Order X is closed" })).toBe("The order is closed: confirming reopens it, so confirm it on the payment's own page.");
    expect(zh({ status: 429, code: "rate_limited", message: "Too many wrong passwords; retry in 42 s" })).toBe("操作过于频繁，请 42 秒后再试。");
  });

  it("names what was not found", () => {
    expect(zh({ status: 404, code: "not_found", message: "Order ZZZZ-ZZZZ-Z not found" })).toBe("订单 ZZZZ-ZZZZ-Z 不存在，请检查收款码。");
    expect(en({ status: 404, code: "not_found", message: "Order ZZZZ-ZZZZ-Z not found" })).toBe("Order ZZZZ-ZZZZ-Z was not found; check the reference.");
    expect(zh({ status: 404, code: "not_found", message: "Member not found" })).toBe("该成员不存在或已被删除，请刷新页面。");
    expect(zh({ status: 404, code: "not_found", message: "Widget not found" })).toBe("该记录不存在或已被删除，请刷新页面。");
  });

  it("falls back to the status's sentence, with the server's detail in the English UI only", () => {
    const odd = { status: 409, code: "something_new", message: "Something new happened" };
    expect(zh(odd)).toBe("数据已被其他操作修改，请刷新页面后重试。");
    expect(en(odd)).toBe("The data changed in the meantime; please reload the page and try again. (Something new happened)");
    const unknownField = invalid("widget: Invalid input");
    expect(zh(unknownField)).toBe("提交的内容有误，请检查后重试。");
    expect(en(unknownField)).toBe("The request was not accepted; please check what you entered. (widget: Invalid input)");
  });

  it("never shows the Chinese reader an English server message", () => {
    const samples: ApiErrorLike[] = [
      invalid("allocations: the amounts add up to 20000, more than the payment amount 15900"),
      invalid("note: Too small: expected string to have >=1 characters"),
      invalid("widget: whatever"),
      { status: 500, code: "internal_error", message: "Internal error; the request was not applied" },
      { status: 502, code: "http_error", message: "/api/app/payments answered 502" },
      { status: 413, code: "payload_too_large", message: "Statement files are limited to 50 MB" },
      { status: 415, code: "unsupported_media_type", message: "Send the export as text/csv" },
      { status: 400, code: "invalid_statement", message: "body: not a cmb-csv statement: no 交易日期 column" },
      { status: 400, code: "invalid_file", message: "not a taobao order export: no 订单编号 / 总金额 column" },
      { status: 401, code: "unauthorized", message: "Sign in required" },
      { code: "no_suggestions", message: "The payment has no suggestions to confirm" },
      { status: 409, code: "payment_allocated", message: "The payment pays orders: unmatch it before ignoring it" },
      { status: 409, code: "payment_refunded", message: "Part of the payment was refunded: it is a customer's payment" },
      invalid("reason: Too small: expected string to have >=1 characters"),
    ];
    for (const err of samples) expect(zh(err), err.message).not.toMatch(/[A-Za-z]{3,}/);
  });

  it("says why a payment cannot be ignored, and names the missing reason", () => {
    expect(zh({ status: 409, code: "payment_allocated", message: "x" })).toBe("该收款已匹配到订单，请先取消匹配再忽略。");
    expect(describeError({ status: 409, code: "payment_refunded", message: "x" }, ctx("en"))).toBe("Part of this payment was refunded: it is a customer's payment and cannot be ignored.");
    expect(zh(invalid("reason: Too small: expected string to have >=1 characters"))).toContain("忽略原因");
  });

  it("names an order number that is ambiguous, and an order entered twice", () => {
    expect(zh(invalid("allocations.0.reference: order number POS-99-1 names 2 orders; use the order's reference"))).toBe("订单号 POS-99-1 对应 2 个订单，请改填收款码。");
    expect(zh(invalid("allocations.1.reference: dy2026000481 names an order already in the list"))).toBe("dy2026000481 与前面某一行是同一个订单。");
  });

  it("says which other export was uploaded and what to upload instead", () => {
    const wrong = (message: string) => zh({ status: 400, code: "invalid_statement", message: `body: Not a auto file: ${message}` });
    expect(wrong("this is WeChat Pay's fund flow bill (资金账单): upload its transaction bill (交易账单)")).toBe("这是微信支付的资金账单，请上传交易账单。");
    expect(wrong("this is Alipay's account statement (账务明细): upload the business statement (业务明细)")).toBe("这是支付宝的账务明细，请上传业务明细。");
    expect(wrong("this is a Taobao order export: import it as platform orders")).toBe("这是平台订单导出文件，请选择“平台订单导出”再导入。");
    expect(wrong("this is an intraday camt.052 account report: upload the day's camt.053 statement or the camt.054 notification")).toContain("camt.052");
    expect(zh({ status: 400, code: "invalid_file", message: "body: this is a cmb-csv statement or bill: import it as a statement" })).toBe("这是银行流水或渠道账单，请选择“银行流水 / 渠道账单”再导入。");
  });

  it("says what to do with a zip it cannot choose from", () => {
    const zip = (message: string) => zh({ status: 400, code: "invalid_statement", message: `body: ${message}` });
    expect(zip("the zip file holds several files (a.csv, b.csv): unpack it and upload each file to import")).toBe("压缩包里有多个文件（a.csv, b.csv），请解压后上传要导入的文件（导入页可一次选择多个文件）。");
    expect(zip("the zip file is password-protected")).toBe("压缩包设有密码，请解压后上传其中的文件。");
    expect(zip("the zip file holds no file")).toBe("压缩包里没有文件。");
    expect(zip("the zip file is damaged (checksum)")).toBe("无法读取该文件：请确认所选格式与文件一致。");
    expect(zip("an Excel 97–2003 workbook (.xls) is not read: save it as .xlsx or CSV and upload that")).toContain("另存为 .xlsx 或 CSV");
    expect(zh({ status: 400, code: "invalid_file", message: "body: the zip file is password-protected" })).toBe("压缩包设有密码，请解压后上传其中的文件。");
  });

  it("reads a server error and a statement size limit", () => {
    expect(zh({ status: 502, code: "http_error", message: "x answered 502" })).toBe("服务暂时不可用（502），请稍后重试。");
    expect(zh({ status: 413, code: "payload_too_large", message: "Statement files are limited to 50 MB" })).toBe("文件超过了 50 MB 的上限。");
  });
});

describe("describeError", () => {
  it("gives anything but an API error the caller's fallback, or the network sentence", () => {
    expect(describeError(new TypeError("Failed to fetch"), ctx("zh-CN"), "保存失败，请重试")).toBe("保存失败，请重试");
    expect(describeError(new TypeError("Failed to fetch"), ctx("zh-CN"))).toBe("网络连接失败，请检查网络后重试。");
    expect(describeError(new TypeError("Failed to fetch"), ctx("en"))).toBe("Could not reach the server; check the connection and try again.");
  });

  it("recognises an AppApiError-shaped value and a bulk result's error", () => {
    expect(isApiErrorLike({ status: 409, code: "x", message: "y" })).toBe(true);
    expect(isApiErrorLike({ code: "x", message: "y" })).toBe(true);
    expect(isApiErrorLike(new Error("y"))).toBe(false);
    expect(describeError({ code: "suggestion_stale", message: "Order AB12 was paid since…" }, ctx("zh-CN"))).toBe("订单 AB12 在给出建议后已收到付款，请改用手动匹配。");
  });
});
