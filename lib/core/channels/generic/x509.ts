import { KeyFormatError, pemToDer, type RsaHash } from "@/lib/core/crypto/pem";

// A minimal DER reader for the X.509 fields the channels need (UnionPay chain checks, WeChat platform certificates,
// PayPal's signing certificate). @peculiar/x509 would need a global `reflect-metadata` polyfill (tsyringe), which
// lib/core must not install, so certificates are read here and checked with Web Crypto.

interface Tlv {
  tag: number;
  /** Offset of the first byte of the TLV (its tag). */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new KeyFormatError("certificate DER is truncated");
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) throw new KeyFormatError("certificate DER uses a high tag number");
  let length = bytes[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // DER forbids the indefinite form (count 0); four length bytes already allow 4 GiB.
    if (count === 0 || count > 4 || contentStart + count > limit) throw new KeyFormatError("certificate DER has a bad length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[contentStart + i];
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new KeyFormatError("certificate DER is truncated");
  return { tag, start: offset, contentStart, end };
}

function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(bytes, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new KeyFormatError(`certificate ${what} is missing or malformed`);
  return tlv;
}

const SEQUENCE = 0x30;
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

// OID content bytes (hex) of the RSA PKCS#1 v1.5 signature algorithms we accept; SHA-1 is not collision resistant.
const SIGNATURE_HASHES: Record<string, RsaHash> = {
  "2a864886f70d01010b": "SHA-256",
  "2a864886f70d01010c": "SHA-384",
  "2a864886f70d01010d": "SHA-512",
};
const COMMON_NAME_OID = "550403";

function decodeString(bytes: Uint8Array, tlv: Tlv): string {
  const content = bytes.subarray(tlv.contentStart, tlv.end);
  switch (tlv.tag) {
    case 0x0c: // UTF8String
    case 0x13: // PrintableString
    case 0x16: // IA5String
      return new TextDecoder("utf-8", { fatal: true }).decode(content);
    case 0x14: // TeletexString, read as Latin-1 like most toolkits
      return String.fromCharCode(...content);
    case 0x1e: {
      // BMPString: UTF-16BE
      let out = "";
      for (let i = 0; i + 1 < content.length; i += 2) out += String.fromCharCode((content[i] << 8) | content[i + 1]);
      return out;
    }
    default:
      throw new KeyFormatError(`certificate name uses an unsupported string type 0x${tlv.tag.toString(16)}`);
  }
}

function commonNames(bytes: Uint8Array, name: Tlv): string[] {
  const names: string[] = [];
  for (const rdn of children(bytes, name)) {
    for (const attribute of children(bytes, rdn)) {
      const [oid, value] = children(bytes, attribute);
      if (oid?.tag === 0x06 && hex(bytes.subarray(oid.contentStart, oid.end)) === COMMON_NAME_OID && value) {
        names.push(decodeString(bytes, value));
      }
    }
  }
  return names;
}

function readTime(bytes: Uint8Array, tlv: Tlv): Date {
  const text = new TextDecoder().decode(bytes.subarray(tlv.contentStart, tlv.end));
  const m = tlv.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : tlv.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!m) throw new KeyFormatError(`certificate validity time "${text}" is malformed`);
  let year = Number(m[1]);
  // RFC 5280 §4.1.2.5.1: UTCTime years 50–99 are 19xx, 00–49 are 20xx.
  if (tlv.tag === 0x17) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** The parts of an X.509 certificate the channel adapters check. */
export interface Certificate {
  /** Upper-case hex without leading zero bytes, as WeChat Pay prints serials. */
  serialNumber: string;
  issuer: Uint8Array;
  subject: Uint8Array;
  subjectCommonNames: string[];
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfo: Uint8Array<ArrayBuffer>;
  signatureHash: RsaHash;
  tbsCertificate: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

/** Parses a PEM (or bare base64) X.509 certificate; throws KeyFormatError naming what is wrong. */
export function parseCertificate(pem: string): Certificate {
  const der = pemToDer(pem, "CERTIFICATE");
  const root = readTlv(der, 0);
  if (root.tag !== SEQUENCE || root.end !== der.length) throw new KeyFormatError("certificate is not a single DER SEQUENCE");
  const [tbs, signatureAlgorithm, signatureValue] = children(der, root);
  expectTag(tbs, SEQUENCE, "tbsCertificate");
  const fields = children(der, tbs);
  // The version is an optional [0] EXPLICIT element in front of the serial.
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(fields[offset], 0x02, "serialNumber");
  const issuer = expectTag(fields[offset + 2], SEQUENCE, "issuer");
  const validity = children(der, expectTag(fields[offset + 3], SEQUENCE, "validity"));
  const subject = expectTag(fields[offset + 4], SEQUENCE, "subject");
  const spki = expectTag(fields[offset + 5], SEQUENCE, "subjectPublicKeyInfo");
  const algorithmOid = expectTag(children(der, expectTag(signatureAlgorithm, SEQUENCE, "signatureAlgorithm"))[0], 0x06, "signature algorithm");
  const signatureHash = SIGNATURE_HASHES[hex(der.subarray(algorithmOid.contentStart, algorithmOid.end))];
  if (!signatureHash) throw new KeyFormatError("certificate is not signed with SHA-256/384/512 with RSA");
  const bits = expectTag(signatureValue, 0x03, "signature");
  if (validity.length !== 2) throw new KeyFormatError("certificate validity is malformed");
  const serialBytes = der.subarray(serial.contentStart, serial.end);
  return {
    serialNumber: hex(serialBytes).replace(/^(?:00)+(?=..)/, "").toUpperCase(),
    issuer: der.slice(issuer.start, issuer.end),
    subject: der.slice(subject.start, subject.end),
    subjectCommonNames: commonNames(der, subject),
    notBefore: readTime(der, validity[0]),
    notAfter: readTime(der, validity[1]),
    subjectPublicKeyInfo: der.slice(spki.start, spki.end),
    signatureHash,
    tbsCertificate: der.slice(tbs.start, tbs.end),
    // The first content byte of a BIT STRING counts unused bits; RSA signatures use whole bytes.
    signature: der.slice(bits.contentStart + 1, bits.end),
  };
}

/** True when `now` lies within the certificate's notBefore…notAfter (inclusive). */
export function isCertificateValidAt(cert: Certificate, now: Date): boolean {
  return cert.notBefore.getTime() <= now.getTime() && now.getTime() <= cert.notAfter.getTime();
}

/** Imports the certificate's RSA public key for RSASSA-PKCS1-v1_5 verification with `hash`. */
export async function certificatePublicKey(cert: Certificate, hash: RsaHash = "SHA-256"): Promise<CryptoKey> {
  try {
    return await globalThis.crypto.subtle.importKey("spki", cert.subjectPublicKeyInfo, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]);
  } catch (error) {
    throw new KeyFormatError("certificate does not hold an RSA public key", { cause: error });
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** True when `issuer`'s subject is `cert`'s issuer and `issuer`'s key verifies `cert`'s signature. */
export async function isIssuedBy(cert: Certificate, issuer: Certificate): Promise<boolean> {
  if (!sameBytes(cert.issuer, issuer.subject)) return false;
  let key: CryptoKey;
  try {
    key = await certificatePublicKey(issuer, cert.signatureHash);
  } catch (error) {
    if (error instanceof KeyFormatError) return false;
    throw error;
  }
  return globalThis.crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, cert.signature, cert.tbsCertificate);
}
