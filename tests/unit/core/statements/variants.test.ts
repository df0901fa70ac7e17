// Variants of the real formats that banks send and the sample files do not show.
import { describe, expect, it } from "vitest";
import { decodeStatementBytes, parseAlipayBill, parseCamt053, parseCmbCsv, parseStatement } from "@/lib/core/statements";
import { extractReferences } from "@/lib/core/reference";
import { nextReference } from "../../../fixtures/matching/engine-fixtures";
import { alipayBill, alipayRefund, alipayTrade, ALIPAY_BILL_HEADER, buildCsv, CMB_HEADER, cmbCredit, toGbk } from "../../../fixtures/statements/cn-exports";

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const mt940 = (lines: string[]) => [":20:REF", ":25:ACC", ":28C:1", ":60F:C240101EUR100,00", ...lines, ":62F:C240131EUR100,00", "-"].join("\r\n");

const camt = (entries: string, declaration = '<?xml version="1.0" encoding="UTF-8"?>') => `${declaration}
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr>
<Stmt><Id>S</Id><Acct><Id><IBAN>DE1</IBAN></Id><Ccy>EUR</Ccy></Acct>
${entries}
</Stmt></BkToCstmrStmt></Document>`;
const entry = (inner: string, amount = "10.00") =>
  `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt>${inner}</Ntry>`;

describe("text encodings", () => {
  it("an ISO-8859-1 MT940 (a German bank's) keeps its umlauts instead of turning into GBK characters", () => {
    const bytes = latin1(mt940([":61:240102C12,34NTRFNONREF//B1", ":86:166?00GUTSCHRIFT?20SVWZ+Rechnung Müller Straße?32Jürgen Müller GmbH"]));
    expect(decodeStatementBytes(bytes).encoding).toBe("windows-1252");
    const [line] = parseStatement("mt940", bytes).lines;
    expect(line).toMatchObject({ payerName: "Jürgen Müller GmbH", memo: "Rechnung Müller Straße" });
  });

  it("two accented letters in a row (Größe) are still Latin-1; Chinese, rare characters included, is still GBK", () => {
    expect(decodeStatementBytes(latin1("Zahlung Straße 5 Größe")).text).toBe("Zahlung Straße 5 Größe");
    for (const text of ["张三贸易有限公司,货款", "王喆 转账", "鑫淼", "1号"]) expect(decodeStatementBytes(toGbk(text))).toEqual({ text, encoding: "gbk" });
  });

  it("a camt declaring ISO-8859-1 is read in it", () => {
    const xml = camt(entry("<AcctSvcrRef>L1</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Jürgen Müller</Nm></Dbtr></RltdPties></TxDtls></NtryDtls>"), '<?xml version="1.0" encoding="ISO-8859-1"?>');
    expect(parseStatement("camt053", latin1(xml)).lines[0].payerName).toBe("Jürgen Müller");
  });

  it("NUL characters are dropped (PostgreSQL text cannot hold them)", () => {
    const csv = buildCsv(CMB_HEADER, [cmbCredit({ date: "20240501", time: "10:00:00", credit: "10.00", serial: "K1", memo: "货款\u0000X", payer: "张\u0000三", account: "6225" })]);
    const [line] = parseStatement("cmb-csv", toGbk(csv)).lines;
    expect(line).toMatchObject({ payerName: "张三" });
    expect(line.memo).toContain("货款X");
  });
});

describe("camt", () => {
  it("numeric character references are decoded; an escaped ampersand stays text", () => {
    const xml = camt(entry("<AcctSvcrRef>N1</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>J&#252;rgen M&#xFC;ller &amp; S&#246;hne</Nm></Dbtr></RltdPties><RmtInf><Ustrd>f&#252;r Mai &amp;#252;</Ustrd></RmtInf></TxDtls></NtryDtls>"));
    expect(parseCamt053(xml).lines[0]).toMatchObject({ payerName: "Jürgen Müller & Söhne", memo: "für Mai &#252;" });
  });

  it("a reference cut across two Ustrd lines is still found", () => {
    const reference = nextReference();
    const xml = camt(entry(`<AcctSvcrRef>U</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>Order ${reference.slice(0, 6)}</Ustrd><Ustrd>${reference.slice(6)} thanks</Ustrd></RmtInf></TxDtls></NtryDtls>`));
    expect(extractReferences(parseCamt053(xml).lines[0].memo ?? "")).toContain(reference);
  });

  it("a batch that cannot be split stays one line but keeps every transaction's remittance and end-to-end id", () => {
    const tx = (e2e: string, ref: string) => `<TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Max Muster</Nm></Dbtr></RltdPties><RmtInf><Ustrd>${ref}</Ustrd></RmtInf></TxDtls>`;
    const xml = camt(entry(`<AcctSvcrRef>B2</AcctSvcrRef><AddtlNtryInf>SAMMLER</AddtlNtryInf><NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>${tx("E1", "LD7K2M9QX4")}${tx("E2", "Q8L3N0RY5E")}</NtryDtls>`, "30.00"));
    const { lines } = parseCamt053(xml);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ amount: 3000, payerName: "Max Muster", memo: "LD7K2M9QX4 | Q8L3N0RY5E | SAMMLER" });
    expect(lines[0].raw.EndToEndId).toBe("E1 E2");
  });

  it("a credit booked net of the bank's charges states the instructed amount and the charges", () => {
    const tx = (chrgs: string) =>
      `<NtryDtls><TxDtls>${chrgs}<AmtDtls><InstdAmt><Amt Ccy="EUR">100.00</Amt></InstdAmt><TxAmt><Amt Ccy="EUR">98.00</Amt></TxAmt></AmtDtls></TxDtls></NtryDtls>`;
    const included = `<Chrgs><Rcrd><Amt Ccy="EUR">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><ChrgInclInd>true</ChrgInclInd></Rcrd></Chrgs>`;
    const [net] = parseCamt053(camt(entry(`<AcctSvcrRef>C1</AcctSvcrRef>${tx(included)}`, "98.00"))).lines;
    expect(net).toMatchObject({ amount: 9800, details: { instructedAmount: 10000, bankCharges: 200 } });
    // Charges not deducted from this credit, or not adding up, state nothing.
    const [apart] = parseCamt053(camt(entry(`<AcctSvcrRef>C2</AcctSvcrRef>${tx(included.replace("true", "false"))}`, "98.00"))).lines;
    expect(apart.details).toEqual({});
    const [odd] = parseCamt053(camt(entry(`<AcctSvcrRef>C3</AcctSvcrRef>${tx(included.replace("2.00", "1.00"))}`, "98.00"))).lines;
    expect(odd.details).toEqual({});
  });

  it("an entry inside an XML comment is not imported", () => {
    const xml = camt(`<!-- ${entry("<AcctSvcrRef>OLD</AcctSvcrRef>", "99.00")} -->\n${entry("<AcctSvcrRef>NEW</AcctSvcrRef>")}`);
    const result = parseCamt053(xml);
    expect(result.lines.map((l) => l.bankSerial)).toEqual(["NEW"]);
    expect(result.rejected).toEqual([]);
  });
});

describe("Chinese bank and bill exports", () => {
  const credit = (serial: string, amount: string) => cmbCredit({ date: "20240501", time: "10:23:45", credit: amount, serial, memo: "货款", payer: "张三", account: "6225" });

  it("a tab-separated export with thousands separators in its amounts is read as tab-separated", () => {
    const row = credit("K1", "8,800.00");
    const tsv = [CMB_HEADER.join("\t"), CMB_HEADER.map((h) => (row as Record<string, string>)[h] ?? "").join("\t")].join("\r\n");
    expect(parseStatement("auto", toGbk(tsv)).lines).toMatchObject([{ amount: 880000, bankSerial: "K1" }]);
  });

  it("a dash in the unused amount column reads as empty; printing footers are not rejected lines", () => {
    const csv = buildCsv(CMB_HEADER, [{ ...credit("K2", "10.00"), 借方金额: "-" }, { ...credit("K3", "5.00"), 借方金额: "--" }], { footer: ["打印日期:2024-05-02", "制表人:财务"] });
    const result = parseCmbCsv(csv);
    expect(result.lines.map((l) => [l.bankSerial, l.amount])).toEqual([["K2", 1000], ["K3", 500]]);
    expect(result.rejected).toEqual([]);
  });

  it("two partial refunds of one trade in the same second without a 退款批次号 stay two refunds; the first keeps its id", () => {
    const trade = alipayTrade({ tradeNo: "2024050122009", outTradeNo: "LD7K2M9QX4", amount: "100.00", created: "2024-05-01 10:00:00", finished: "2024-05-01 10:00:05" });
    const refund = (amount: string) => ({ ...alipayRefund({ tradeNo: "2024050122009", outTradeNo: "LD7K2M9QX4", amount, finished: "2024-05-02 09:00:00", batchNo: "" }) });
    const { lines } = parseAlipayBill(alipayBill([trade, refund("10.00"), refund("10.00")]));
    const refunds = lines.filter((l) => l.direction === "debit");
    expect(refunds.map((l) => [l.refundId, l.amount])).toEqual([
      ["2024050122009@2024-05-02T01:00:00.000Z", 1000],
      ["2024050122009@2024-05-02T01:00:00.000Z#2", 1000],
    ]);
  });

  it("an Alipay bill closed by a 总计 row without # has no rejected line", () => {
    const trade = alipayTrade({ tradeNo: "2024050122001", outTradeNo: "LD7K2M9QX4", amount: "10.00", created: "2024-05-01 10:00:00", finished: "2024-05-01 10:00:05" });
    const csv = buildCsv(ALIPAY_BILL_HEADER, [trade], { pad: "\t", footer: ["总计,,,,,10.00"] });
    const result = parseAlipayBill(csv);
    expect(result.lines).toHaveLength(1);
    expect(result.rejected).toEqual([]);
  });
});
