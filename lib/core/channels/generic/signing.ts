// Digest and HMAC helpers shared by the hash-signed channels (Douyin, UnionPay, Stripe, generic). Web Crypto only.
import { timingSafeEqualString } from "@/lib/core/crypto/timing-safe-equal";

const encoder = new TextEncoder();

/** Lower-case hex of bytes. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const byte of view) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Lower-case hex digest of a UTF-8 string. */
export async function digestHex(algorithm: "SHA-1" | "SHA-256", text: string): Promise<string> {
  return toHex(await globalThis.crypto.subtle.digest(algorithm, encoder.encode(text)));
}

/** Lower-case hex HMAC-SHA256 of a UTF-8 message under a UTF-8 secret (Stripe's and our generic scheme). */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** Parses `t=<unix>,v1=<hex>[,v1=…][,v0=…]` into the timestamp and every `v1` value; null when there is no usable `t`. */
export function parseTimestampedSignatureHeader(header: string): { timestamp: number; v1: string[] } | null {
  let timestamp: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "t") {
      if (!/^\d{1,11}$/.test(value) || timestamp !== null) return null;
      timestamp = Number(value);
    } else if (name === "v1" && value !== "") {
      v1.push(value);
    }
  }
  return timestamp === null ? null : { timestamp, v1 };
}

/** Outcome of a signature check; `reason` is logged with the rejected notification. */
export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Stripe's DEFAULT_TOLERANCE, also used by our generic scheme. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * Verifies a Stripe-style `t=…,v1=…` header: valid when any v1 equals hex(HMAC-SHA256(secret, `${t}.${rawBody}`)),
 * compared in constant time, and the timestamp is at most `toleranceSeconds` old. stripe-node accepts any future
 * timestamp; we also refuse one more than the tolerance ahead, which only a skewed or forged clock produces.
 */
export async function verifyTimestampedHmac(params: {
  header: string | undefined;
  rawBody: string;
  secret: string;
  now: Date;
  toleranceSeconds?: number;
}): Promise<SignatureCheck> {
  const { header, rawBody, secret, now } = params;
  const tolerance = params.toleranceSeconds ?? TIMESTAMP_TOLERANCE_SECONDS;
  if (header === undefined || header.trim() === "") return { ok: false, reason: "signature header missing" };
  const parsed = parseTimestampedSignatureHeader(header);
  if (parsed === null) return { ok: false, reason: "signature header has no timestamp" };
  if (parsed.v1.length === 0) return { ok: false, reason: "signature header has no v1 signature" };
  // Web Crypto refuses a zero-length HMAC key (DataError); an unset secret must reject, not throw.
  if (secret === "") return { ok: false, reason: "no signing secret configured" };
  const expected = await hmacSha256Hex(secret, `${parsed.timestamp}.${rawBody}`);
  let matched = false;
  // Check every candidate (no early exit) so timing does not reveal which one matched.
  for (const candidate of parsed.v1) matched = timingSafeEqualString(candidate.toLowerCase(), expected) || matched;
  if (!matched) return { ok: false, reason: "no v1 signature matches" };
  const age = Math.floor(now.getTime() / 1000) - parsed.timestamp;
  if (age > tolerance || age < -tolerance) return { ok: false, reason: `timestamp outside the ${tolerance} s tolerance (age ${age} s)` };
  return { ok: true };
}
