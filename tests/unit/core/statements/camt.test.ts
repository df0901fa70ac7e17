import { describe, expect, it } from "vitest";
import { parseCamt053, parseCamt054, parseStatement, StatementFormatError } from "@/lib/core/statements";
import { creditsOf, fixture } from "./helpers";

const text = (name: string) => new TextDecoder().decode(fixture(name));

describe("camt.053", () => {
  it("PostFinance .001.04: 4 credits, the shared AcctSvcrRef kept per entry, the DBIT entry stays a debit", () => {
    const r = parseStatement("camt053", fixture("camt053/postfinance_camt.053.001.04_CH2909000000250094239.xml"));
    expect(r.rejected).toEqual([]);
    const credits = creditsOf(r.lines);
    expect(credits.map((l) => [l.amount, l.currency, l.bankSerial])).toEqual([
      [450, "CHF", "0758103031480900"],
      [150000, "CHF", "07582000303F0C7U"],
      [153700, "CHF", "07582000303KBMSU"],
      [169222, "CHF", "07582000303KBMSU"],
    ]);
    expect(credits[0].memo).toContain("REFERENZ-NR: PmtInfId-CHDD-1");
    expect(credits[2].valueDate).toBe("2020-11-25");
    expect(credits[2].raw.NtryRef).toBe("014295803");
    const debits = r.lines.filter((l) => l.direction === "debit");
    expect(debits.map((l) => [l.amount, l.bankSerial])).toEqual([[7770, "0758103031480977"]]);
  });

  it("STUZZA .001.02 with its non-standard namespace: creditor references in the memo, EndToEndIds kept", () => {
    const r = parseCamt053(text("camt053/stuzza_at_camt.053.001.02_valid_example_stuzza.xml"));
    const credits = creditsOf(r.lines);
    expect(credits.map((l) => [l.amount, l.currency, l.bankSerial, l.endToEndId])).toEqual([
      [5000, "EUR", "2013122710583450000", "Text Muster"],
      [10000, "EUR", "190602382152396", "Test Muster"],
      [25000, "EUR", "190602382098886", "2019456456"],
    ]);
    expect(credits.map((l) => l.memo?.split(" | ")[0])).toEqual(["201912341234", "201912341234", "2019456456"]);
    expect(credits[1].memo).toContain("Gutschrift a/Musterfrau Muster");
    expect(r.lines.filter((l) => l.direction === "debit")).toEqual([]);
  });

  it("UBS .001.08: single-decimal 474.4, Ustrd and SCOR reference in the memo, payer from Dbtr/Pty/Nm", () => {
    const r = parseCamt053(text("camt053/ubs_ch_camt.053.001.08_valid_example_v8.xml"));
    const credits = creditsOf(r.lines);
    expect(credits.map((l) => [l.amount, l.bankSerial, l.endToEndId])).toEqual([
      [47440, "9999171ZC0173078", "80000004540000100095"],
      [8885, "2022172PH0003127", "435A9287E088BDB1D97FAABD181C70C8"],
    ]);
    expect(credits[0].memo).toContain("INVOICE R77561");
    expect(credits[0].payerName).toBe("Jon Doe");
    expect(credits[0].raw.UETR).toBe("d0826d0f-a005-5e3b-b3dc-54da4ac7f0d0");
    expect(credits[1].memo).toContain("RF38000000000000000000552");
    expect(credits[0].bookedAt).toBe("2023-06-19T16:00:00.000Z");
    expect(r.lines.filter((l) => l.direction === "debit").map((l) => [l.amount, l.bankSerial])).toEqual([[1969, "0124571DN6195349"]]);
  });

  it("genkgo .001.08: BookgDt/DtTm with offset, the entry amount wins over a TxDtls amount in another currency", () => {
    const r = parseCamt053(text("camt053/genkgo_camt.053.001.08_fixture.xml"));
    expect(creditsOf(r.lines)).toMatchObject([
      {
        amount: 885,
        currency: "EUR",
        bankSerial: "AAAASESS-FP-CN_98765/01",
        endToEndId: "MUELL/FINP/RA12345",
        memo: "4654654654654654",
        bookedAt: "2014-12-31T12:15:00.000Z",
        bookedDate: "2014-12-31",
        valueDate: "2015-01-02",
        payerAccount: "NL56AGDH9619008421",
      },
    ]);
  });
});

describe("camt.054", () => {
  it("PostFinance ESR batch: one line per TxDtls with its own amount, AcctSvcrRef and ISR reference", () => {
    const r = parseCamt054(text("camt054/postfinance_camt.054.001.04_ESR-ASR_batch.xml"));
    const credits = creditsOf(r.lines);
    expect(credits.map((l) => [l.amount, l.bankSerial, l.memo?.split(" | ")[0], l.endToEndId])).toEqual([
      [25000, "180315CH02ZX5RI3", "120000000000234478943216899", "EndToEndId-001-02-02"],
      [20000, "180315CH02ZX5RI4", "120000000000234478943216899", "EndToEndId-001-02-01"],
      [30000, "180315CH02ZX5RI5", "120000000000234478943216899", "EndToEndId-001-02-03"],
      [32400, "180315CH02ZZ4OOX", "359335273113716998981168243", null],
      [46300, "180315CH02ZZ4OOY", "684388397169969395754931859", null],
    ]);
    expect(credits.reduce((s, l) => s + l.amount, 0)).toBe(153700);
    expect(credits.every((l) => l.raw.AcctSvcrRef === "07582000303KBMSU")).toBe(true);
    // What a camt.053 booking the batch as one line would say: the entry's serial and total.
    expect(credits.map((l) => l.batchTotal)).toEqual(credits.map(() => ({ bankSerial: "07582000303KBMSU", amount: 153700 })));
    expect(r.lines.filter((l) => l.direction === "debit").map((l) => [l.amount, l.bankSerial])).toEqual([[14700, "100820002V496ZRA"]]);
  });

  it("PostFinance credit notification: one credit of 1500.00", () => {
    const r = parseStatement("camt054", fixture("camt054/postfinance_camt.054.001.04_credit.xml"));
    expect(creditsOf(r.lines).map((l) => [l.amount, l.currency, l.bankSerial])).toEqual([[150000, "CHF", "074820002ZZ9J42U"]]);
    expect(creditsOf(r.lines)[0].memo).toContain("PAKET ID: 180315CH00000HPA");
  });
});

const doc = (entries: string) => `<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.06"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>CH0000000000000000000</IBAN></Id></Acct>
${entries}
</Stmt></BkToCstmrStmt></Document>`;

const entry = (inner: string) => `<Ntry>${inner}</Ntry>`;

describe("camt edge cases", () => {
  it("only booked entries are imported; pending ones are listed as rejected with their line", () => {
    const r = parseCamt053(
      doc(
        [
          entry(`<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt><AcctSvcrRef>A1</AcctSvcrRef>`),
          entry(`<Amt Ccy="EUR">11.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt><AcctSvcrRef>A2</AcctSvcrRef>`),
        ].join("\n"),
      ),
    );
    expect(r.lines.map((l) => l.bankSerial)).toEqual(["A2"]);
    expect(r.rejected).toEqual([{ line: 4, message: expect.stringContaining("PDNG") }]);
  });

  it("RvslInd marks a reversal, which is never a payment", () => {
    const r = parseCamt053(doc(entry(`<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt>`)));
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0].reversal).toBe(true);
    expect(creditsOf(r.lines)).toEqual([]);
  });

  it("RvslInd written as 1 (xs:boolean) is a reversal too; an entry of 0.00 is rejected, not a payment of nothing", () => {
    const r = parseCamt053(
      doc(
        entry(`<Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>1</RvslInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt>`) +
          entry(`<Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt>`),
      ),
    );
    expect(r.lines.map((l) => l.reversal)).toEqual([true]);
    expect(creditsOf(r.lines)).toEqual([]);
    expect(r.rejected).toEqual([{ line: expect.any(Number), message: "zero amount" }]);
  });

  it("a batch whose transactions do not add up to the entry stays one line", () => {
    const tx = (amt: string, ref: string) => `<TxDtls><Refs><AcctSvcrRef>${ref}</AcctSvcrRef></Refs><Amt Ccy="EUR">${amt}</Amt><RmtInf><Ustrd>${ref}</Ustrd></RmtInf></TxDtls>`;
    const r = parseCamt053(
      doc(entry(`<Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt><AcctSvcrRef>E</AcctSvcrRef><NtryDtls>${tx("10.00", "T1")}${tx("10.00", "T2")}</NtryDtls>`)),
    );
    expect(r.lines.map((l) => [l.amount, l.bankSerial, l.batchTotal])).toEqual([[3000, "E", undefined]]);
  });

  it("a batch with per-transaction CdtDbtInd splits with each direction; transactions without their own ref get entry/n", () => {
    const tx = (amt: string, ind: string) => `<TxDtls><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>${ind}</CdtDbtInd></TxDtls>`;
    const r = parseCamt053(
      doc(entry(`<Amt Ccy="EUR">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt><AcctSvcrRef>E</AcctSvcrRef><NtryDtls>${tx("20.00", "CRDT")}${tx("5.00", "DBIT")}</NtryDtls>`)),
    );
    expect(r.lines.map((l) => [l.direction, l.amount, l.bankSerial])).toEqual([
      ["credit", 2000, "E/1"],
      ["debit", 500, "E/2"],
    ]);
  });

  it("a bad amount rejects that entry only", () => {
    const r = parseCamt053(
      doc(
        entry(`<Amt Ccy="EUR">1O.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt>`) +
          entry(`<Amt Ccy="EUR">2.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-05-01</Dt></BookgDt>`),
      ),
    );
    expect(r.lines.map((l) => l.amount)).toEqual([200]);
    expect(r.rejected).toEqual([{ line: 4, message: expect.stringContaining("1O.00") }]);
  });

  it("refuses DOCTYPE and entity declarations (XXE, billion laughs) before parsing", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>${doc("").replace(/^<\?xml[^>]*>/, "")}`;
    expect(() => parseCamt053(xxe)).toThrow(StatementFormatError);
    expect(() => parseCamt053(xxe)).toThrow(/DOCTYPE/);
  });

  it("a camt.054 given as camt053, broken XML, or no camt at all is a StatementFormatError", () => {
    expect(() => parseCamt053(text("camt054/postfinance_camt.054.001.04_credit.xml"))).toThrow(/camt\.054/);
    expect(() => parseCamt053(doc("<Ntry><Amt>").replace("</Stmt>", ""))).toThrow(StatementFormatError);
    expect(() => parseCamt054("<html><body>hi</body></html>")).toThrow(StatementFormatError);
  });
});
