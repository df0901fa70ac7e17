import { Base64FormatError, base64ToBytes } from "@/lib/core/crypto/base64";
import { KeyFormatError, importRsaPublicKey } from "@/lib/core/crypto/pem";

/**
 * The string Alipay signs: every field but `sign` (and `sign_type` unless `includeSignType`), keys sorted by UTF-16
 * code unit like Java's String.compareTo, joined as `k=v` with `&`, values raw (empty values included, as the Java SDK does).
 */
export function signedContent(params: Record<string, string>, { includeSignType }: { includeSignType: boolean }): string {
  return Object.keys(params)
    .filter((key) => key !== "sign" && (includeSignType || key !== "sign_type"))
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join("&");
}

// importKey dominates verification cost at high notify rates; a handful of configured keys is the normal case,
// the bound only stops a caller that builds PEM strings dynamically from growing the map forever.
const KEY_CACHE_LIMIT = 100;
const keyCache = new Map<string, Promise<CryptoKey>>();

function cachedKey(pem: string): Promise<CryptoKey> {
  const hit = keyCache.get(pem);
  if (hit) {
    keyCache.delete(pem);
    keyCache.set(pem, hit);
    return hit;
  }
  const pending = importRsaPublicKey(pem, "SHA-256");
  // A failed import must not stay cached, or a transient failure would poison the key for the process lifetime.
  pending.catch(() => keyCache.delete(pem));
  keyCache.set(pem, pending);
  if (keyCache.size > KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
  return pending;
}

function assertRsa2Key(key: CryptoKey): void {
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm;
  if (algorithm.name !== "RSASSA-PKCS1-v1_5" || algorithm.hash?.name !== "SHA-256" || !key.usages.includes("verify")) {
    throw new KeyFormatError("Alipay key must be an RSASSA-PKCS1-v1_5 / SHA-256 verify key");
  }
}

const encoder = new TextEncoder();

/**
 * Verifies an Alipay RSA2 (SHA256withRSA, PKCS#1 v1.5) signature over already form-decoded params.
 * Resolves false for a missing, empty or non-base64 `sign` and for any `sign_type` but RSA2: RSA (SHA1withRSA) is
 * deprecated by Alipay and SHA-1 is not collision resistant, so we never accept it. Throws KeyFormatError for a
 * bad key: a misconfigured key is an operator problem and must not look like a forged notify.
 */
export async function verifyAlipaySignature(params: Record<string, string>, publicKey: CryptoKey | string): Promise<boolean> {
  const key = typeof publicKey === "string" ? await cachedKey(publicKey) : publicKey;
  assertRsa2Key(key);
  const sign = Object.hasOwn(params, "sign") ? params.sign : undefined;
  if (typeof sign !== "string" || sign.trim() === "") return false;
  const signType = Object.hasOwn(params, "sign_type") ? params.sign_type : undefined;
  if (signType !== undefined && signType !== "RSA2") return false;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = base64ToBytes(sign);
  } catch (error) {
    if (error instanceof Base64FormatError) return false;
    throw error;
  }
  const subtle = globalThis.crypto.subtle;
  const algorithm = { name: "RSASSA-PKCS1-v1_5" };
  // Payment notifies sign without sign_type (spec, Java rsaCheckV1); other notify types such as
  // servicemarket sign with it (the SDKs' rsaCheckV2). The official SDKs try both, and so do we.
  const withoutType = encoder.encode(signedContent(params, { includeSignType: false }));
  if (await subtle.verify(algorithm, key, signature, withoutType)) return true;
  if (signType === undefined) return false;
  const withType = encoder.encode(signedContent(params, { includeSignType: true }));
  return subtle.verify(algorithm, key, signature, withType);
}
