import crypto from "node:crypto";
import { loadOrCreateSecretFile } from "@/lib/config/dev-secrets";
import { readConfig } from "@/lib/config/env";

/**
 * Envelope encryption for secrets at rest (channel credentials, storefront secrets, payer accounts).
 * Each value gets its own data key (AES-256-GCM); the data key is wrapped by the key-encryption key
 * from ENCRYPTION_KEY, whose id is stored with the value so keys can be rotated.
 * Format: `v1.<kekId>.<wrapped dek b64>.<iv b64>.<ciphertext+tag b64>`.
 */
export interface KeyRing {
  current: { id: string; key: Buffer };
  byId: Map<string, Buffer>;
}

const keyId = (key: Buffer) => crypto.createHash("sha256").update(key).digest("hex").slice(0, 8);

/** Parses a 32-byte key given as 64 hex characters or base64. */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64");
  return key;
}

export function makeKeyRing(current: Buffer, previous: Buffer[] = []): KeyRing {
  const byId = new Map<string, Buffer>();
  for (const k of [current, ...previous]) byId.set(keyId(k), k);
  return { current: { id: keyId(current), key: current }, byId };
}

/** The key ring from ENCRYPTION_KEY (+ ENCRYPTION_KEY_PREVIOUS during rotation), else a dev key kept in the data dir. */
export function loadKeyRing(): KeyRing {
  const config = readConfig();
  const previous = (process.env.ENCRYPTION_KEY_PREVIOUS ?? "")
    .split(",")
    .filter((s) => s.trim())
    .map(parseKey);
  if (config.encryptionKey) return makeKeyRing(parseKey(config.encryptionKey), previous);
  return makeKeyRing(parseKey(loadOrCreateSecretFile("encryption.key")), previous);
}

const globalForKeys = globalThis as unknown as { __ldxpKeyRing?: KeyRing };
function keyRing(): KeyRing {
  return (globalForKeys.__ldxpKeyRing ??= loadKeyRing());
}

function gcm(key: Buffer, plain: Buffer): { iv: Buffer; sealed: Buffer } {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { iv, sealed };
}

function ungcm(key: Buffer, iv: Buffer, sealed: Buffer): Buffer {
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}

export function encryptSecret(plain: string, ring: KeyRing = keyRing()): string {
  const dek = crypto.randomBytes(32);
  const wrapped = gcm(ring.current.key, dek);
  const body = gcm(dek, Buffer.from(plain, "utf8"));
  return [
    "v1",
    ring.current.id,
    Buffer.concat([wrapped.iv, wrapped.sealed]).toString("base64"),
    body.iv.toString("base64"),
    body.sealed.toString("base64"),
  ].join(".");
}

/**
 * Encrypts many values under one data key (each with its own IV), wrapped once: the same format as
 * encryptSecret, at a fraction of the cost for the thousands of payer accounts of one statement batch.
 */
export function encryptSecrets(plains: readonly string[], ring: KeyRing = keyRing()): string[] {
  if (plains.length === 0) return [];
  const dek = crypto.randomBytes(32);
  const wrapped = gcm(ring.current.key, dek);
  const head = ["v1", ring.current.id, Buffer.concat([wrapped.iv, wrapped.sealed]).toString("base64")].join(".");
  // Deterministic IVs under a fresh key (NIST SP 800-38D §8.2.1): a random 4-byte field and a counter,
  // unique for every value this data key seals, without a random draw per value.
  const iv = Buffer.alloc(12);
  crypto.randomFillSync(iv, 0, 4);
  return plains.map((plain, i) => {
    iv.writeBigUInt64BE(BigInt(i), 4);
    const cipher = crypto.createCipheriv("aes-256-gcm", dek, iv);
    const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `${head}.${iv.toString("base64")}.${sealed.toString("base64")}`;
  });
}

export function decryptSecret(value: string, ring: KeyRing = keyRing()): string {
  const [version, kekId, wrapped, iv, sealed] = value.split(".");
  if (version !== "v1" || !kekId || !wrapped || !iv || !sealed) throw new Error("Not an encrypted value");
  const kek = ring.byId.get(kekId);
  if (!kek) throw new Error(`Encryption key ${kekId} is not configured (set it in ENCRYPTION_KEY_PREVIOUS)`);
  const w = Buffer.from(wrapped, "base64");
  const dek = ungcm(kek, w.subarray(0, 12), w.subarray(12));
  return ungcm(dek, Buffer.from(iv, "base64"), Buffer.from(sealed, "base64")).toString("utf8");
}

export const encryptJson = (value: unknown, ring?: KeyRing) => encryptSecret(JSON.stringify(value), ring);
export const decryptJson = <T>(value: string, ring?: KeyRing): T => JSON.parse(decryptSecret(value, ring)) as T;

/** Re-wraps a value's data key under the ring's current key (the payload itself is not re-encrypted). */
export function rewrapSecret(value: string, ring: KeyRing = keyRing()): string {
  const [version, kekId, wrapped, iv, sealed] = value.split(".");
  if (version !== "v1" || !kekId || !wrapped || !iv || !sealed) throw new Error("Not an encrypted value");
  if (kekId === ring.current.id) return value;
  const kek = ring.byId.get(kekId);
  if (!kek) throw new Error(`Encryption key ${kekId} is not configured (set it in ENCRYPTION_KEY_PREVIOUS)`);
  const w = Buffer.from(wrapped, "base64");
  const dek = ungcm(kek, w.subarray(0, 12), w.subarray(12));
  const rewrapped = gcm(ring.current.key, dek);
  return ["v1", ring.current.id, Buffer.concat([rewrapped.iv, rewrapped.sealed]).toString("base64"), iv, sealed].join(".");
}

/** Forgets the cached key ring (after the environment's keys changed, e.g. in a rotation). */
export function resetKeyRing() {
  globalForKeys.__ldxpKeyRing = undefined;
}
