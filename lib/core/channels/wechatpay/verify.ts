import type { SignatureCheck } from "@/lib/core/channels/generic/signing";
import { certificatePublicKey, isCertificateValidAt } from "@/lib/core/channels/generic/x509";
import { Base64FormatError, base64ToBytes } from "@/lib/core/crypto/base64";
import { importRsaPublicKey } from "@/lib/core/crypto/pem";
import { normalizeSerial, platformCertificates, type WechatpayCredentials } from "./credentials";

/** WeChat Pay's SDK rule: a callback more than 5 minutes from our clock is refused. */
export const WECHATPAY_TIMESTAMP_WINDOW_SECONDS = 300;

/** The four `Wechatpay-*` headers, as received. */
export interface WechatpaySignatureHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  serial?: string;
}

/** Reads the `Wechatpay-*` headers from a lower-cased header map. */
export function wechatpayHeaders(headers: Record<string, string>): WechatpaySignatureHeaders {
  return {
    timestamp: headers["wechatpay-timestamp"],
    nonce: headers["wechatpay-nonce"],
    signature: headers["wechatpay-signature"],
    serial: headers["wechatpay-serial"],
  };
}

/** The signed message: timestamp, nonce and raw body, each terminated by `\n`. */
export const wechatpayMessage = (timestamp: string, nonce: string, rawBody: string) => `${timestamp}\n${nonce}\n${rawBody}\n`;

async function keyForSerial(serial: string, credentials: WechatpayCredentials, now: Date): Promise<CryptoKey | string> {
  if (serial.startsWith("PUB_KEY_ID_")) {
    if (!credentials.platformPublicKey || serial !== credentials.platformPublicKeyId) return `unknown WeChat Pay public key id ${serial}`;
    return importRsaPublicKey(credentials.platformPublicKey, "SHA-256");
  }
  const match = platformCertificates(credentials.platformCertificates).find((c) => c.serial === normalizeSerial(serial));
  if (!match) return `unknown platform certificate serial ${serial}`;
  if (!isCertificateValidAt(match.certificate, now)) return `platform certificate ${serial} is not valid at ${now.toISOString()}`;
  return certificatePublicKey(match.certificate, "SHA-256");
}

/**
 * Verifies a WeChat Pay API v3 callback: all four headers present, timestamp within 5 minutes of `now`, and
 * SHA256withRSA over `${timestamp}\n${nonce}\n${rawBody}\n` with the key `Wechatpay-Serial` names (the WeChat Pay
 * public key for `PUB_KEY_ID_…`, otherwise the configured platform certificate with that serial).
 * Throws KeyFormatError for unusable configured keys (an operator problem, not a forged callback).
 */
export async function verifyWechatpaySignature(params: {
  headers: WechatpaySignatureHeaders;
  rawBody: string;
  credentials: WechatpayCredentials;
  now: Date;
}): Promise<SignatureCheck> {
  const { timestamp, nonce, signature, serial } = params.headers;
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: "Wechatpay-* signature headers missing" };
  if (!/^\d{1,11}$/.test(timestamp)) return { ok: false, reason: "Wechatpay-Timestamp is not unix seconds" };
  const skew = Math.abs(Math.floor(params.now.getTime() / 1000) - Number(timestamp));
  if (skew >= WECHATPAY_TIMESTAMP_WINDOW_SECONDS) return { ok: false, reason: `Wechatpay-Timestamp is ${skew} s from now` };
  const key = await keyForSerial(serial, params.credentials, params.now);
  if (typeof key === "string") return { ok: false, reason: key };
  let signatureBytes: Uint8Array<ArrayBuffer>;
  try {
    signatureBytes = base64ToBytes(signature);
  } catch (error) {
    // Includes WeChat's deliberately invalid probe signatures ("WECHATPAY/SIGNTEST/…").
    if (error instanceof Base64FormatError) return { ok: false, reason: "Wechatpay-Signature is not base64" };
    throw error;
  }
  const message = new TextEncoder().encode(wechatpayMessage(timestamp, nonce, params.rawBody));
  const valid = await globalThis.crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, signatureBytes, message);
  return valid ? { ok: true } : { ok: false, reason: "bad signature" };
}
