// Test-only: builds X.509 chains with the openssl CLI and signs UnionPay 5.1.0 notifies with node:crypto, independently
// of lib/core (an oracle, not a mirror). The certificate tools are shared by the WeChat Pay and PayPal signers.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** A certificate with its private key, both PEM. */
export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

let serialCounter = 0x1000;

/**
 * A certificate made by openssl: self-signed when no issuer is given, else signed by `issuer`. `days` of validity start
 * now. `ca` adds basicConstraints CA:TRUE. The subject is an openssl `-subj` string (UTF-8 allowed).
 */
export function makeCertificate(options: { subject: string; issuer?: TestCertificate; days?: number; ca?: boolean; serial?: string }): TestCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ldxp-cert-"));
  try {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const file = (name: string) => path.join(dir, name);
    fs.writeFileSync(file("key.pem"), keyPem);
    const v3 = `[v3]\nbasicConstraints=critical,CA:${options.ca ? "TRUE" : "FALSE"}\n`;
    fs.writeFileSync(file("ext.cnf"), v3);
    fs.writeFileSync(file("req.cnf"), `[req]\ndistinguished_name=dn\nx509_extensions=v3\nstring_mask=utf8only\n[dn]\n${v3}`);
    const serial = options.serial ?? `0x${(++serialCounter).toString(16)}${crypto.randomBytes(8).toString("hex")}`;
    const days = String(options.days ?? 365);
    const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
    if (!options.issuer) {
      openssl(["req", "-x509", "-new", "-utf8", "-key", file("key.pem"), "-subj", options.subject, "-days", days, "-sha256", "-set_serial", serial,
        "-config", file("req.cnf"), "-out", file("cert.pem")]);
    } else {
      fs.writeFileSync(file("ca.pem"), options.issuer.certPem);
      fs.writeFileSync(file("ca.key"), options.issuer.keyPem);
      openssl(["req", "-new", "-utf8", "-key", file("key.pem"), "-subj", options.subject, "-config", file("req.cnf"), "-out", file("csr.pem")]);
      openssl(["x509", "-req", "-in", file("csr.pem"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-set_serial", serial, "-days", days,
        "-sha256", "-extfile", file("ext.cnf"), "-extensions", "v3", "-out", file("cert.pem")]);
    }
    return { certPem: fs.readFileSync(file("cert.pem"), "utf8"), keyPem };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A UnionPay-like chain: root → intermediate → signing leaf whose CN is `leafCommonName`. */
export function makeUnionpayChain(leafCommonName = "中国银联股份有限公司", leafDays = 365) {
  const root = makeCertificate({ subject: "/C=CN/O=China Financial Certification Authority/CN=CFCA TEST CS CA", days: 3650, ca: true });
  const intermediate = makeCertificate({ subject: "/C=CN/O=China Financial Certification Authority/CN=CFCA TEST OCA1", issuer: root, days: 1825, ca: true });
  const leaf = makeCertificate({ subject: `/C=CN/O=China UnionPay/OU=Local RA/CN=${leafCommonName}`, issuer: intermediate, days: leafDays });
  return { root, intermediate, leaf };
}

/** Signs UnionPay fields like the gateway (5.1.0, signMethod 01): adds signPubKeyCert and signature. */
export function signUnionpayFields(fields: Record<string, string>, leaf: TestCertificate): Record<string, string> {
  const signed: Record<string, string> = { ...fields, signPubKeyCert: leaf.certPem };
  delete signed.signature;
  const content = Object.keys(signed)
    .sort()
    .map((k) => `${k}=${signed[k]}`)
    .join("&");
  const hex = crypto.createHash("sha256").update(content, "utf8").digest("hex");
  signed.signature = crypto.sign("sha256", Buffer.from(hex, "utf8"), leaf.keyPem).toString("base64");
  return signed;
}

/** A realistic consume (txnType 01) backend notify, unsigned; `overrides` has the last word (`undefined` removes). */
export function unionpayConsumeNotify(options: {
  merId: string;
  orderId: string;
  txnAmt: string;
  queryId?: string;
  overrides?: Record<string, string | undefined>;
}): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    version: "5.1.0",
    encoding: "UTF-8",
    signMethod: "01",
    txnType: "01",
    txnSubType: "01",
    bizType: "000201",
    accessType: "0",
    merId: options.merId,
    orderId: options.orderId,
    txnTime: "20261125100005",
    txnAmt: options.txnAmt,
    currencyCode: "156",
    queryId: options.queryId ?? `6926112510000${crypto.randomInt(10_000_000, 99_999_999)}`,
    respCode: "00",
    respMsg: "成功[0000000]",
    settleAmt: options.txnAmt,
    settleCurrencyCode: "156",
    settleDate: "1125",
    traceNo: "123456",
    traceTime: "1125100005",
    reqReserved: "shop=ldxp&note=a b",
    accNo: "6226****0048",
    payCardType: "01",
    ...options.overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The form body UnionPay posts. */
export const unionpayFormBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
