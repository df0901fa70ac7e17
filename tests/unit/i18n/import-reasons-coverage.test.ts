// Every reason a statement parser (lib/core/statements) can give for a line it left out, run through
// the translator: none may fall back to "无法读取此行：" + the parser's English.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAlipayBill, parseCamt053, parseIcbcCsv, parseMt940, parseWechatBill } from "@/lib/core/statements";
import { describeRejectedLine } from "@/lib/i18n/import-reasons";
import { MESSAGES } from "@/lib/i18n/messages";

const zh = (m: string) => describeRejectedLine(m, { locale: "zh-CN", messages: MESSAGES["zh-CN"] });
const en = (m: string) => describeRejectedLine(m, { locale: "en", messages: MESSAGES.en });

/** Each `new LineError(…)` of the parsers, by file, as the parser writes it with sample values; then the other reasons. */
const LINE_ERRORS: Record<string, string[]> = {
  "common.ts": [
    '贷方金额: "abc" is not an amount',
    'currency "XYZW" is not an ISO 4217 code',
    "贷方金额: KWD amounts with 3 minor digits are not supported",
  ],
  "wechat-bill.ts": [
    '交易时间 "昨天" is not a date-time',
    "微信订单号 is empty",
    "no 订单金额 or 应结订单金额",
    'payment amount "0.00" is not positive',
    "退款状态 PROCESSING: only successful refunds are recorded",
    "微信退款单号 is empty",
    "退款金额 is zero",
    '交易状态 "CLOSED" is neither SUCCESS nor REFUND',
  ],
  "alipay-bill.ts": [
    "支付宝交易号 is empty",
    '完成时间 "x" is not a date-time',
    "订单金额（元） is empty",
    '订单金额（元） "0.00" is not positive',
    "退款 row with a zero amount",
    '业务类型 "其他" is neither 交易 nor 退款',
  ],
  "cn-bank-csv.ts": [
    'date "2026-11-31" is not a date',
    "both debit and credit amounts are filled",
    "no debit or credit amount",
    "no amount",
    'debit/credit flag "X" is neither 借 nor 贷',
    "zero amount",
  ],
  "camt.ts": [
    'Ntry/Amt: currency "C1F" is not an ISO 4217 code',
    'TxDtls/Amt: "1.2.3" is not an amount',
    'Ntry/Amt: negative amount "-1.00"',
    'BookgDt: "2026-13-01" is not a date',
    'BookgDt: "2026-13-01T10:00:00" is not a date-time',
    "entry status PDNG: only booked (BOOK) entries are imported",
    "Ntry/Amt: missing amount or currency",
    "zero amount",
    'CdtDbtInd "XXXX" is neither CRDT nor DBIT',
    "no BookgDt or ValDt",
  ],
  "mt940.ts": [
    ':61: "garbage" does not follow the :61: layout',
    ':61: value date "261340" is not a date',
    ':61: entry date "1340" is not a date',
    "no opening balance (:60F:) states the currency",
    ':61: amount "1,2,3" is not an amount',
    ":61: zero amount",
  ],
};

/** Reasons written outside a LineError: reasonOf's fallback for anything else a parser threw. */
const OTHER_PARSER_REASONS = ["unreadable line (TypeError)"];

/** The statement import's own reasons for a refund line it could not record (lib/services/statements.ts, refunds.ts). */
const IMPORT_REASONS = [
  "refund 50000000012026112000001: no payment 4200000001202611200000001 has been recorded on this account",
  "refund 1500 exceeds what is left of payment 0b6f7c1e-2f7a-4d5e-9b1a-3c2d1e0f9a8b (1000)",
];

const ALL = [...Object.values(LINE_ERRORS).flat(), ...OTHER_PARSER_REASONS, ...IMPORT_REASONS];

describe("every reason the parsers give is translated", () => {
  it("lists every LineError the statement parsers throw (a new one must be added here and to the translator)", () => {
    const dir = path.join(process.cwd(), "lib/core/statements");
    const counts = Object.fromEntries(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".ts"))
        .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8").split("new LineError(").length - 1] as const)
        .filter(([, n]) => n > 0),
    );
    expect(counts).toEqual(Object.fromEntries(Object.entries(LINE_ERRORS).map(([f, list]) => [f, list.length])));
  });

  it.each(ALL)("zh: %s", (message) => {
    const r = zh(message);
    expect(r.detail).toBeNull();
    expect(r.text).not.toMatch(/^无法读取此行/);
    // Chinese words around the file's own values, not the parser's English sentence.
    expect(r.text).not.toMatch(/\b(is|not|no|neither|only|amount|the)\b/);
  });

  it.each(ALL)("en: %s", (message) => {
    const r = en(message);
    expect(r.detail).toBeNull();
    expect(r.text).not.toMatch(/^line not read/);
  });

  it("words the ones that fell through before as a reader expects", () => {
    expect(zh('交易状态 "CLOSED" is neither SUCCESS nor REFUND').text).toBe("交易状态“CLOSED”既不是支付成功（SUCCESS）也不是退款（REFUND），不导入");
    expect(zh("退款状态 PROCESSING: only successful refunds are recorded").text).toBe("退款状态为 PROCESSING：只记录退款成功的退款");
    expect(zh('业务类型 "其他" is neither 交易 nor 退款').text).toBe("业务类型“其他”既不是交易也不是退款，不导入");
    expect(zh("entry status PDNG: only booked (BOOK) entries are imported").text).toBe("分录状态为 PDNG：只导入已记账（BOOK）的分录");
    expect(zh("no opening balance (:60F:) states the currency").text).toBe("没有期初余额（:60F:）说明币种");
  });
});

describe("the reasons the parsers actually give", () => {
  const reasons = (r: { rejected: { message: string }[] }) => r.rejected.map((x) => x.message);

  it("are in the list above, and so translated", () => {
    const wechat = reasons(
      parseWechatBill(
        [
          "交易时间,微信订单号,交易状态,退款状态,微信退款单号,退款金额",
          "`2026-11-20 10:00:00,`4200000001,`CLOSED,`,`,`",
          "`2026-11-20 10:00:00,`4200000002,`REFUND,`PROCESSING,`5000001,`1.00",
          "`2026-11-20 10:00:00,`4200000003,`SUCCESS,`,`,`",
        ].join("\n"),
      ),
    );
    const alipay = reasons(parseAlipayBill(["支付宝交易号,业务类型,完成时间,订单金额(元)", "2026112000001,其他,2026-11-20 10:00:00,12.80"].join("\n")));
    const bank = reasons(parseIcbcCsv(["凭证号,交易日期,借/贷,交易金额", "V1,2026-11-20,X,12.80"].join("\n")));
    const entry = (body: string) => `<Ntry>${body}</Ntry>`;
    const camt = reasons(
      parseCamt053(
        `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr><Stmt><Id>1</Id><Acct><Id><IBAN>CH9300762011623852957</IBAN></Id></Acct>
${entry('<Amt Ccy="CHF">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>')}
${entry('<Amt Ccy="CHF">1.00</Amt><CdtDbtInd>XXXX</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>')}
${entry('<Amt Ccy="CHF">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>')}
${entry('<Amt Ccy="CHF">-1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>')}
${entry("<Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>")}
</Stmt></BkToCstmrStmt></Document>`,
      ),
    );
    const mt940 = reasons(
      parseMt940(
        [":20:S1", ":25:NL91ABNA0417164300", ":28C:1/1", ":61:2611201120C12,80NTRFNONREF//B1", ":62F:C261120EUR12,80", "-",
         ":20:S2", ":25:NL91ABNA0417164300", ":28C:2/1", ":60F:C261119EUR0,00", ":61:garbage", ":62F:C261120EUR0,00", "-"].join("\n"),
      ),
    );
    const produced = [...wechat, ...alipay, ...bank, ...camt, ...mt940];
    expect(produced).toEqual([
      '交易状态 "CLOSED" is neither SUCCESS nor REFUND',
      "退款状态 PROCESSING: only successful refunds are recorded",
      "no 订单金额 or 应结订单金额",
      '业务类型 "其他" is neither 交易 nor 退款',
      'debit/credit flag "X" is neither 借 nor 贷',
      "entry status PDNG: only booked (BOOK) entries are imported",
      'CdtDbtInd "XXXX" is neither CRDT nor DBIT',
      "no BookgDt or ValDt",
      'Ntry/Amt: negative amount "-1.00"',
      "Ntry/Amt: missing amount or currency",
      "no opening balance (:60F:) states the currency",
      ':61: "garbage" does not follow the :61: layout',
    ]);
    for (const m of produced) expect(zh(m).detail, m).toBeNull();
  });
});
