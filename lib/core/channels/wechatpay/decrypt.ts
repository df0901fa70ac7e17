import { Base64FormatError, base64ToBytes } from "@/lib/core/crypto/base64";

/** The encrypted `resource` of a v3 callback. */
export interface WechatpayEncryptedResource {
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/** Thrown when a resource cannot be decrypted: wrong APIv3 key, or bytes altered in transit. */
export class WechatpayDecryptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WechatpayDecryptError";
  }
}

const encoder = new TextEncoder();

/**
 * Decrypts a callback resource: AES-256-GCM, key = the 32 ASCII bytes of the APIv3 key, IV = the UTF-8 `nonce`,
 * AAD = `associated_data` (possibly empty), input = base64(ciphertext ‖ 16-byte tag). Returns the plaintext.
 */
export async function decryptWechatpayResource(resource: WechatpayEncryptedResource, apiV3Key: string): Promise<string> {
  const key = encoder.encode(apiV3Key);
  if (key.length !== 32) throw new WechatpayDecryptError("apiV3Key must be 32 bytes");
  let data: Uint8Array<ArrayBuffer>;
  try {
    data = base64ToBytes(resource.ciphertext);
  } catch (error) {
    if (error instanceof Base64FormatError) throw new WechatpayDecryptError("resource.ciphertext is not base64", { cause: error });
    throw error;
  }
  if (data.length < 16) throw new WechatpayDecryptError("resource.ciphertext is shorter than the GCM tag");
  const subtle = globalThis.crypto.subtle;
  const aesKey = await subtle.importKey("raw", key, { name: "AES-GCM" }, false, ["decrypt"]);
  let plain: ArrayBuffer;
  try {
    plain = await subtle.decrypt(
      { name: "AES-GCM", iv: encoder.encode(resource.nonce), additionalData: encoder.encode(resource.associated_data ?? ""), tagLength: 128 },
      aesKey,
      data,
    );
  } catch (error) {
    throw new WechatpayDecryptError("resource does not decrypt with the configured apiV3Key", { cause: error });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch (error) {
    throw new WechatpayDecryptError("decrypted resource is not UTF-8", { cause: error });
  }
}
