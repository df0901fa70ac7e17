import type { SignatureCheck } from "@/lib/core/channels/generic/signing";
import { certificatePublicKey, isCertificateValidAt, parseCertificate } from "@/lib/core/channels/generic/x509";
import { Base64FormatError, base64ToBytes } from "@/lib/core/crypto/base64";
import { crc32 } from "./crc32";

/** The PayPal transmission headers the signature depends on, as received. */
export interface PaypalTransmission {
  transmissionId?: string;
  transmissionTime?: string;
  transmissionSig?: string;
  authAlgo?: string;
  certUrl?: string;
}

/** Reads the `PAYPAL-*` headers from a lower-cased header map. */
export function paypalTransmission(headers: Record<string, string>): PaypalTransmission {
  return {
    transmissionId: headers["paypal-transmission-id"],
    transmissionTime: headers["paypal-transmission-time"],
    transmissionSig: headers["paypal-transmission-sig"],
    authAlgo: headers["paypal-auth-algo"],
    certUrl: headers["paypal-cert-url"],
  };
}

/** The message PayPal signs: `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(rawBody)}`. */
export const paypalSignedMessage = (transmissionId: string, transmissionTime: string, webhookId: string, rawBody: string) =>
  `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(rawBody)}`;

/**
 * Offline PayPal webhook verification: SHA256withRSA over the signed message with the configured certificate's key
 * (which must be valid at `now`). PAYPAL-CERT-URL is not fetched; the operator configured the certificate instead.
 * PayPal documents no freshness window for PAYPAL-TRANSMISSION-TIME (it retries for 3 days), so none is enforced;
 * replays are absorbed by the event key. Throws KeyFormatError for an unusable configured certificate.
 */
export async function verifyPaypalSignature(params: {
  transmission: PaypalTransmission;
  rawBody: string;
  webhookId: string;
  certificate: string;
  now: Date;
}): Promise<SignatureCheck> {
  const { transmissionId, transmissionTime, transmissionSig, authAlgo } = params.transmission;
  if (!transmissionId || !transmissionTime || !transmissionSig) return { ok: false, reason: "PAYPAL-TRANSMISSION-* headers missing" };
  if (authAlgo !== "SHA256withRSA") return { ok: false, reason: `PAYPAL-AUTH-ALGO "${authAlgo ?? ""}" is not SHA256withRSA` };
  const certificate = parseCertificate(params.certificate);
  if (!isCertificateValidAt(certificate, params.now)) return { ok: false, reason: `configured PayPal certificate is not valid at ${params.now.toISOString()}` };
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = base64ToBytes(transmissionSig);
  } catch (error) {
    if (error instanceof Base64FormatError) return { ok: false, reason: "PAYPAL-TRANSMISSION-SIG is not base64" };
    throw error;
  }
  const key = await certificatePublicKey(certificate, "SHA-256");
  const message = new TextEncoder().encode(paypalSignedMessage(transmissionId, transmissionTime, params.webhookId, params.rawBody));
  const valid = await globalThis.crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, signature, message);
  return valid ? { ok: true } : { ok: false, reason: "bad signature" };
}
