import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { isCertificateValidAt, isIssuedBy, parseCertificate } from "@/lib/core/channels/generic/x509";
import { makeCertificate } from "@/tests/helpers/unionpay-signer";

describe("X.509 reader", () => {
  const root = makeCertificate({ subject: "/C=CN/O=Test Root/CN=Test Root CA", ca: true, days: 10, serial: "0x00A1B2C3D4" });
  const leaf = makeCertificate({ subject: "/C=CN/CN=中国银联股份有限公司", issuer: root, days: 5 });

  it("reads serial, names, validity and key as node:crypto does", () => {
    const ours = parseCertificate(leaf.certPem);
    const node = new crypto.X509Certificate(leaf.certPem);
    expect(ours.serialNumber).toBe(node.serialNumber.replace(/^(00)+/, "").toUpperCase());
    expect(ours.subjectCommonNames).toEqual(["中国银联股份有限公司"]);
    expect(ours.notBefore.toISOString()).toBe(new Date(node.validFrom).toISOString());
    expect(ours.notAfter.toISOString()).toBe(new Date(node.validTo).toISOString());
    expect(Buffer.from(ours.subjectPublicKeyInfo)).toEqual(node.publicKey.export({ type: "spki", format: "der" }));
    expect(parseCertificate(root.certPem).serialNumber).toBe("A1B2C3D4");
  });

  it("checks issuance and validity windows", async () => {
    const r = parseCertificate(root.certPem);
    const l = parseCertificate(leaf.certPem);
    expect(await isIssuedBy(l, r)).toBe(true);
    expect(await isIssuedBy(r, r)).toBe(true);
    expect(await isIssuedBy(r, l)).toBe(false);
    expect(isCertificateValidAt(l, new Date())).toBe(true);
    expect(isCertificateValidAt(l, new Date(Date.now() + 6 * 86_400_000))).toBe(false);
  });

  it("refuses garbage with a KeyFormatError", () => {
    expect(() => parseCertificate("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----")).toThrow();
    expect(() => parseCertificate(leaf.certPem.replace("CERTIFICATE", "PUBLIC KEY"))).toThrow(/PEM/);
  });
});
