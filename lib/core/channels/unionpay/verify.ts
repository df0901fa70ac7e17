import { digestHex, type SignatureCheck } from "@/lib/core/channels/generic/signing";
import { type Certificate, certificatePublicKey, isCertificateValidAt, isIssuedBy, parseCertificate } from "@/lib/core/channels/generic/x509";
import { Base64FormatError, base64ToBytes } from "@/lib/core/crypto/base64";
import { KeyFormatError } from "@/lib/core/crypto/pem";

/** The subject the UnionPay SDKs require of the certificate that signs notifies. */
export const UNIONPAY_SIGNER_NAME = "中国银联股份有限公司";

/** The string UnionPay signs (5.1.0): every field but `signature`, keys sorted, `k=v` joined with `&`, values raw. */
export function unionpaySignedContent(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((key) => key !== "signature")
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join("&");
}

/**
 * True when a CN names UnionPay. The research (channels.md §3) says the CN equals 中国银联股份有限公司; the official
 * SDKs' CertUtil (from memory, unverified here) split a CN like `041@Z12…@中国银联股份有限公司@00000001` on `@` and
 * compare the third part. Both forms are accepted; nothing else is.
 */
export function isUnionpaySignerName(commonName: string): boolean {
  return commonName === UNIONPAY_SIGNER_NAME || commonName.split("@")[2] === UNIONPAY_SIGNER_NAME;
}

/** The trust anchors configured on the channel account. */
export interface UnionpayTrust {
  rootCertificate: string;
  intermediateCertificate: string;
}

/**
 * Checks that `signPubKeyCert` was issued by the configured intermediate, which was issued by the configured root,
 * that all three are valid at `now`, and that its subject CN names UnionPay. Returns the signer or why not.
 * Throws KeyFormatError when the configured certificates themselves are unusable.
 */
export async function validateUnionpaySigner(signPubKeyCert: string, trust: UnionpayTrust, now: Date): Promise<Certificate | string> {
  const root = parseCertificate(trust.rootCertificate);
  const intermediate = parseCertificate(trust.intermediateCertificate);
  let leaf: Certificate;
  try {
    leaf = parseCertificate(signPubKeyCert);
  } catch (error) {
    if (error instanceof KeyFormatError) return `signPubKeyCert: ${error.message}`;
    throw error;
  }
  if (!(await isIssuedBy(leaf, intermediate))) return "signPubKeyCert is not issued by the configured intermediate certificate";
  if (!(await isIssuedBy(intermediate, root))) return "the configured intermediate certificate is not issued by the configured root";
  for (const [name, cert] of [["signPubKeyCert", leaf], ["intermediate certificate", intermediate], ["root certificate", root]] as const) {
    if (!isCertificateValidAt(cert, now)) return `${name} is not valid at ${now.toISOString()}`;
  }
  if (!leaf.subjectCommonNames.some(isUnionpaySignerName)) return `signPubKeyCert subject CN is not ${UNIONPAY_SIGNER_NAME}`;
  return leaf;
}

/**
 * Verifies a UnionPay 5.1.0 notify (signMethod 01): SHA256withRSA over the lower-case hex SHA-256 of the signed
 * content, with the key of a `signPubKeyCert` that validates against the configured chain at `now`.
 */
export async function verifyUnionpaySignature(fields: Record<string, string>, trust: UnionpayTrust, now: Date): Promise<SignatureCheck> {
  const signature = Object.hasOwn(fields, "signature") ? fields.signature : "";
  if (!signature) return { ok: false, reason: "signature missing" };
  if (fields.version !== "5.1.0") return { ok: false, reason: `unsupported version "${fields.version ?? ""}" (5.1.0 only)` };
  if (fields.signMethod !== "01") return { ok: false, reason: `unsupported signMethod "${fields.signMethod ?? ""}" (01 = RSA certificate only)` };
  if (!fields.signPubKeyCert) return { ok: false, reason: "signPubKeyCert missing" };
  const signer = await validateUnionpaySigner(fields.signPubKeyCert, trust, now);
  if (typeof signer === "string") return { ok: false, reason: signer };
  let signatureBytes: Uint8Array<ArrayBuffer>;
  try {
    signatureBytes = base64ToBytes(signature);
  } catch (error) {
    if (error instanceof Base64FormatError) return { ok: false, reason: "signature is not base64" };
    throw error;
  }
  const digest = await digestHex("SHA-256", unionpaySignedContent(fields));
  const key = await certificatePublicKey(signer, "SHA-256");
  const valid = await globalThis.crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, signatureBytes, new TextEncoder().encode(digest));
  return valid ? { ok: true } : { ok: false, reason: "bad signature" };
}
