import { Base64FormatError, base64ToBytes } from "./base64";

/** Thrown when key material cannot be read or imported; a configuration problem, not a forged message. */
export class KeyFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeyFormatError";
  }
}

/** Hash names Web Crypto accepts for RSASSA-PKCS1-v1_5. */
export type RsaHash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/** DER bytes of a `PUBLIC KEY` PEM, or of a bare base64 body without headers (as Alipay's console shows the key). */
export function pemToDer(pem: string, label = "PUBLIC KEY"): Uint8Array<ArrayBuffer> {
  const text = pem.trim();
  if (text === "") throw new KeyFormatError("key is empty");
  let body = text;
  if (text.includes("-----")) {
    const block = PEM_BLOCK.exec(text);
    if (!block) throw new KeyFormatError("PEM armour is malformed (BEGIN/END lines missing or mismatched)");
    if (block[1] !== label) {
      const hint = block[1] === "RSA PUBLIC KEY" ? " (PKCS#1; export the key as SPKI)" : block[1] === "CERTIFICATE" ? " (certificate mode: give the public key it contains)" : "";
      throw new KeyFormatError(`expected a "${label}" PEM, got "${block[1]}"${hint}`);
    }
    body = block[2];
  }
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = base64ToBytes(body);
  } catch (error) {
    if (error instanceof Base64FormatError) throw new KeyFormatError(`key body is not base64: ${error.message}`, { cause: error });
    throw error;
  }
  // Every DER key structure is a SEQUENCE; checking the tag turns obvious garbage into a clear message early.
  if (der.length < 32 || der[0] !== 0x30) throw new KeyFormatError("key body is not a DER SEQUENCE");
  return der;
}

/** Imports an SPKI RSA public key (PEM or bare base64) for RSASSA-PKCS1-v1_5 verification. */
export async function importRsaPublicKey(pemOrBase64: string, hash: RsaHash = "SHA-256"): Promise<CryptoKey> {
  const der = pemToDer(pemOrBase64);
  try {
    return await globalThis.crypto.subtle.importKey("spki", der, { name: "RSASSA-PKCS1-v1_5", hash }, false, ["verify"]);
  } catch (error) {
    throw new KeyFormatError("not an RSA SubjectPublicKeyInfo key", { cause: error });
  }
}
