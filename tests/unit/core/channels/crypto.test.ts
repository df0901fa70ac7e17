import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Base64FormatError, base64ToBytes, bytesToBase64 } from "@/lib/core/crypto/base64";
import { KeyFormatError, importRsaPublicKey, pemToDer } from "@/lib/core/crypto/pem";
import { timingSafeEqualString } from "@/lib/core/crypto/timing-safe-equal";
import { readFixture } from "./alipay/fixtures";

describe("base64", () => {
  it("round-trips arbitrary bytes and agrees with Buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(base64ToBytes(text)).toEqual(bytes);
      }),
    );
  });

  it("ignores whitespace and line breaks, and accepts missing padding", () => {
    expect(Array.from(base64ToBytes(" SGVs\r\nbG8h\n"))).toEqual(Array.from(Buffer.from("Hello!")));
    expect(Array.from(base64ToBytes("SGk"))).toEqual(Array.from(Buffer.from("Hi")));
    expect(Array.from(base64ToBytes("SGk="))).toEqual(Array.from(Buffer.from("Hi")));
  });

  it("rejects characters outside the alphabet, inner padding and impossible lengths", () => {
    for (const bad of ["SGk*", "SG=k", "S", "SGk=a", "SGVsbG8h=", "SGVs-_8h", "中文"]) {
      expect(() => base64ToBytes(bad), bad).toThrow(Base64FormatError);
    }
  });

  it("only ever throws Base64FormatError", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          base64ToBytes(text);
        } catch (error) {
          expect(error).toBeInstanceOf(Base64FormatError);
        }
      }),
    );
  });
});

describe("pemToDer / importRsaPublicKey", () => {
  const pem = readFixture("trade_status_sync.alipay_public_key.pem");
  const bare = readFixture("trade_status_sync.alipay_public_key.b64.txt");

  it("reads a PEM, a CRLF PEM and the bare base64 body to the same DER", () => {
    const der = pemToDer(pem);
    expect(der[0]).toBe(0x30);
    expect(pemToDer(bare)).toEqual(der);
    expect(pemToDer(pem.replace(/\n/g, "\r\n"))).toEqual(der);
    expect(pemToDer(`\n  ${bare}\n`)).toEqual(der);
  });

  it("imports an RSASSA-PKCS1-v1_5 SHA-256 verify key", async () => {
    const key = await importRsaPublicKey(bare);
    expect(key.type).toBe("public");
    expect(key.algorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" }, modulusLength: 2048 });
    expect(key.usages).toEqual(["verify"]);
  });

  it("explains garbage, wrong labels, PKCS#1, certificates and non-RSA keys with KeyFormatError", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pkcs1 = rsa.publicKey.export({ type: "pkcs1", format: "pem" }).toString();
    const privatePem = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => pemToDer("")).toThrow(KeyFormatError);
    expect(() => pemToDer("hello world")).toThrow(KeyFormatError);
    expect(() => pemToDer("AAAA")).toThrow(/DER SEQUENCE/);
    expect(() => pemToDer("-----BEGIN PUBLIC KEY-----\nAAAA")).toThrow(/armour/);
    expect(() => pemToDer(pkcs1)).toThrow(/PKCS#1/);
    expect(() => pemToDer(privatePem)).toThrow(/PRIVATE KEY/);
    expect(() => pemToDer("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).toThrow(/certificate/);
    await expect(importRsaPublicKey(ec)).rejects.toThrow(KeyFormatError);
    await expect(importRsaPublicKey(pem.replace("MIIBIjAN", "MIIBIjAA"))).rejects.toThrow(KeyFormatError);
  });
});

describe("timingSafeEqualString", () => {
  it("compares by UTF-8 content, including length and non-ASCII", () => {
    expect(timingSafeEqualString("success", "success")).toBe(true);
    expect(timingSafeEqualString("", "")).toBe(true);
    expect(timingSafeEqualString("success", "succes")).toBe(false);
    expect(timingSafeEqualString("succes", "success")).toBe(false);
    expect(timingSafeEqualString("语雀", "语雀")).toBe(true);
    expect(timingSafeEqualString("语雀", "语")).toBe(false);
    expect(timingSafeEqualString("a\u0000", "a")).toBe(false);
  });

  it("agrees with === on arbitrary strings", () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => timingSafeEqualString(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => timingSafeEqualString(a, a)));
  });
});
