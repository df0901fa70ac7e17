import { describe, expect, it } from "vitest";
import { maskAccount, redactAccount } from "@/lib/core/masking";

describe("maskAccount", () => {
  it("keeps the first three and the last four digits", () => {
    expect(maskAccount("6222021234567890123")).toBe("622****0123");
    expect(maskAccount("12345")).toBe("1****2345");
    expect(maskAccount("1234")).toBe("****");
  });
});

describe("redactAccount", () => {
  it("masks the payer account in its own column and inside remittance text, leaving the other fields", () => {
    const raw = { "收(付)方帐号": "6225880123456789", 用途: "货款 from 6225880123456789", 流水号: "S1" };
    expect(redactAccount(raw, "6225880123456789")).toEqual({
      "收(付)方帐号": "622****6789",
      用途: "货款 from 622****6789",
      流水号: "S1",
    });
    expect(raw["收(付)方帐号"]).toBe("6225880123456789");
  });

  it("finds an IBAN written with spaces as well as without", () => {
    const raw = { ":86:": "/IBAN/NL91 ABNA 0417 1643 00/NAME/J. Jansen", iban: "NL91ABNA0417164300" };
    const out = redactAccount(raw, "NL91 ABNA 0417 1643 00");
    expect(JSON.stringify(out)).not.toContain("0417");
    expect(out.iban).toBe("NL9****4300");
  });

  it("returns the same object when the account is absent, short, or nowhere in the line", () => {
    const raw = { 用途: "货款" };
    expect(redactAccount(raw, null)).toBe(raw);
    expect(redactAccount(raw, "12345")).toBe(raw);
    expect(redactAccount(raw, "6225880123456789")).toBe(raw);
  });
});
