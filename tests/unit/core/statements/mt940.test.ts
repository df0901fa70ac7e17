import { describe, expect, it } from "vitest";
import { parseMt940, parseStatement, StatementFormatError } from "@/lib/core/statements";
import { creditsOf, fixture } from "./helpers";

describe("MT940 real files", () => {
  it("ING (slash dialect): 3 credits with // bank refs, REMI text across wrapped lines, the summary :86: ignored", () => {
    const r = parseStatement("mt940", fixture("mt940/ing_nl_sepa_ing-4.txt"));
    expect(r.rejected).toEqual([]);
    const credits = creditsOf(r.lines);
    expect(credits.map((l) => [l.amount, l.currency, l.bankSerial])).toEqual([
      [10520, "EUR", "31101100047720"],
      [33553, "EUR", "31102000055044"],
      [32778, "EUR", "31103100006242"],
    ]);
    expect(credits[0].memo).toBe("Nr. LNT22000057 / 21.2.2023Nr. LNT22000079 / 21.3.2023Nr. LNT22000068 / 21.2.2023");
    expect(credits[0].payerName).toBe("GREENFLUX ASSETS BV");
    expect(credits[1]).toMatchObject({ memo: "110130590", endToEndId: "SCT-1-BO230019-R1", payerName: "Lambrix Elektrotechniek" });
    expect(credits[2].memo).toBe("POOL-M NL21INGB0650141172 POOL-S NL30INGB0008693687 PPM9455956 22/07/2010");
    expect(credits[2].raw.customerReference).toBe("PPM9455956");
    expect(credits[0].bookedDate).toBe("2010-07-23");
    const debits = r.lines.filter((l) => l.direction === "debit");
    expect(debits.map((l) => [l.amount, l.bankSerial])).toEqual([[76851, "31100900061605"]]);
    // 4 transactions only: the trailing ":86:D000001C000003D768,51C768,51" after :62F: is a summary.
    expect(r.lines).toHaveLength(4);
  });

  it("Volksbank (?nn sub-fields, CRLF, 8 statements): 12 credits summing to 745,00 with SVWZ memo, EREF and ?32 payer", () => {
    const r = parseMt940(new TextDecoder().decode(fixture("mt940/volksbank_de_volksbankenraiffeisenbanken_CRLF.txt")));
    expect(r.rejected).toEqual([]);
    const credits = creditsOf(r.lines);
    expect(credits).toHaveLength(12);
    expect(credits.reduce((s, l) => s + l.amount, 0)).toBe(74500);
    expect(credits.every((l) => l.bankSerial === null && l.currency === "EUR")).toBe(true);
    expect(credits.map((l) => [l.bookedDate, l.amount])).toEqual([
      ["2020-02-19", 6500], ["2020-02-19", 8000], ["2020-02-21", 8000], ["2020-02-24", 5500], ["2020-02-24", 6500], ["2020-02-25", 8000],
      ["2020-02-25", 5500], ["2020-02-25", 5500], ["2020-02-26", 6500], ["2020-02-28", 5000], ["2020-03-02", 4000], ["2020-03-10", 5500],
    ]);
    const memoStarts = [
      "einfach so fuer euch", "Beitrag Musical fuer FRIDA inklusive 1 CD", "Musical Emilio CD", "Musical Sonja Schulz CD", "musical spende",
      // The file itself has no space after "Hellwig," (sub-field ?21 starts with "plus").
      "Musical, Martin Hellwig,plus CD", "Musical, carmen Furter, Plus CD", "Musical Ruth, Kevin Vogthaupt, plus CD", "Musical Lukas und Esmeralda",
      "Spende", "Musical Ruth Musical Ruth Kim Chong", "MUSICAL RUTH, AARON, CD",
    ];
    credits.forEach((l, i) => expect(l.memo?.startsWith(memoStarts[i]), `${l.memo} vs ${memoStarts[i]}`).toBe(true));
    expect(credits.map((l) => l.payerName)).toEqual([
      "Olivia Dorn", "friedbert und ronja engel", "Antonio Sueto", "Thomas Schulz", "Yasmin OENOEGLUE", "Hellwig, Annegret, Hellwig, Dieter",
      "Werner Furter", "Helmut und Ulrike Vogthaupt", "Heinz Schoen", "Edeltraud Meyer", "Wu Chong", "Kannen, Manfred und Kristin",
    ]);
    expect(credits[3].endToEndId).toBe("ZV0100284190949300000002");
    expect(credits[7].endToEndId).toBe("ZV0100284284592300000002");
    // "?22" inside the IBAN text is a sub-field boundary: the IBAN reassembles.
    expect(credits[2].memo).toContain("DE83500105179219844142");
    expect(credits[9].raw.PURP).toBe("RINP Dauerauftrag/Rate");
    expect(credits[9].raw.type).toBe("NSTO");
  });

  it("ABN AMRO (CRLF, no trailing '-'): one credit, NOTPRO/VIDED rejoined and dropped as end-to-end id", () => {
    const r = parseMt940(new TextDecoder().decode(fixture("mt940/abnamro_nl_sepa_abnamro2_CRLF.txt")));
    expect(r.lines).toMatchObject([
      {
        direction: "credit",
        amount: 50001,
        currency: "EUR",
        bankSerial: null,
        endToEndId: null,
        memo: "Dit zijn de omschrijvingsregels",
        payerName: "QASD JGRED",
        payerAccount: "FR12345678901234",
        bookedDate: "2012-05-14",
        valueDate: "2012-05-12",
      },
    ]);
    expect(r.lines[0].raw.EREF).toBe("NOTPROVIDED");
  });

  it("ASN (31 statements in SWIFT blocks): 3 credits and 5 debits, counterparty IBAN from the reference slot", () => {
    const r = parseMt940(new TextDecoder().decode(fixture("mt940/asnbank_nl_swift_blocks_mt940.txt")));
    expect(r.rejected).toEqual([]);
    const credits = creditsOf(r.lines);
    expect(credits.map((l) => [l.bookedDate, l.amount, l.payerAccount, l.bankSerial])).toEqual([
      ["2020-01-05", 100000, "NL56ASNB9999999999", null],
      ["2020-01-29", 82872, "NL25INGB9999999999", null],
      ["2020-01-31", 100018, "NL56ASNB9999999999", null],
    ]);
    expect(credits[0].memo).toContain("INTERNE OVERBOEKING VIA MOBIEL");
    expect(credits[1].memo).toContain("Transfer Solutions BV-DIVIDEND 28/01/2020");
    expect(r.lines.filter((l) => l.direction === "debit").map((l) => l.amount)).toEqual([6500, 80155, 165, 100000, 90376]);
  });
});

const statement = (lines: string[]) => [":20:REF", ":25:ACC", ":28C:1", ":60F:C240101EUR100,00", ...lines, ":62F:C240131EUR100,00", "-"].join("\n");

describe("MT940 :86: text", () => {
  it("a wrapped line of a transaction's text that reads like a trailer (-AB) stays in the memo; the statement still ends at -", () => {
    const r = parseMt940(statement([":61:2401020102C12,34NTRFNONREF//B1", ":86:Invoice 1", "-AB", "rest of text"]));
    expect(r.lines.map((l) => [l.amount, l.memo])).toEqual([[1234, "Invoice 1 -AB rest of text"]]);
  });
});

describe("MT940 :61: grammar", () => {
  it("reads RC/RD marks as reversals, a funds code, an entry date across New Year and a // bank reference", () => {
    const r = parseMt940(
      statement([
        ":61:2401020102RD12,34NTRFNONREF//B1",
        ":86:reversal of a debit",
        ":61:2312311231CR1,00NTRFNONREF//B2",
        ":61:2401010102C5,NMSCREF123//B3",
        "SUPPLEMENTARY",
        ":61:2312310101D7,50NCHGNONREF",
      ]),
    );
    expect(r.rejected).toEqual([]);
    expect(r.lines.map((l) => [l.direction, l.reversal, l.amount, l.bankSerial, l.valueDate, l.bookedDate])).toEqual([
      ["credit", true, 1234, "B1", "2024-01-02", "2024-01-02"],
      ["credit", false, 100, "B2", "2023-12-31", "2023-12-31"],
      ["credit", false, 500, "B3", "2024-01-01", "2024-01-02"],
      ["debit", false, 750, null, "2023-12-31", "2024-01-01"],
    ]);
    expect(r.lines[1].raw.fundsCode).toBe("R");
    expect(r.lines[2].payerName).toBe("SUPPLEMENTARY");
  });

  it("rejects a malformed :61: with its line number and keeps the others", () => {
    const r = parseMt940(statement([":61:24XX01C1,00NTRF", ":61:240102C2,00NTRFNONREF//OK"]));
    expect(r.lines.map((l) => l.bankSerial)).toEqual(["OK"]);
    expect(r.rejected).toEqual([{ line: 5, message: expect.stringContaining(":61:") }]);
  });

  it("a :61: before any :60F: is rejected for want of a currency", () => {
    const r = parseMt940([":20:X", ":61:240102C2,00NTRFNONREF//OK", "-"].join("\n"));
    expect(r.rejected).toEqual([{ line: 2, message: expect.stringContaining(":60F:") }]);
  });

  it("a text without any :20: is not MT940", () => {
    expect(() => parseMt940("hello\nworld")).toThrow(StatementFormatError);
  });
});
