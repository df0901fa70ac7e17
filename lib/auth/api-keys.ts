import crypto from "node:crypto";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";
import { isUuid } from "@/lib/core/ids";
import { logger } from "@/lib/log";

export const hashApiKey = (key: string) => crypto.createHash("sha256").update(key, "utf8").digest("hex");

/** A new secret key `sk_live_…` (≈ 190 random bits); only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; keyHash: string } {
  const key = `sk_live_${crypto.randomBytes(24).toString("base64url")}`;
  return { key, prefix: key.slice(0, 12), keyHash: hashApiKey(key) };
}

export async function createApiKey(db: DbOrTx, params: { merchantId: string; name: string }) {
  const generated = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({ merchantId: params.merchantId, name: params.name, prefix: generated.prefix, keyHash: generated.keyHash })
    .returning({ id: apiKeys.id });
  return { id: row.id, key: generated.key, prefix: generated.prefix };
}

/** lastUsedAt is kept to the minute: a busy key (a flash sale's checkouts) must not write its row on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The active key with this secret, or null. Notes when the key was last used, at most once a minute
 * (one conditional UPDATE, which concurrent requests cannot repeat); a failed note is logged, never
 * the request's failure.
 */
export async function authenticateApiKey(db: DbOrTx, key: string, now = new Date()) {
  if (!key.startsWith("sk_") || key.length > 200) return null;
  const [row] = await db
    .select({ id: apiKeys.id, merchantId: apiKeys.merchantId, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt < stale) {
    try {
      await db
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
    } catch (err) {
      logger.warn({ err, apiKeyId: row.id }, "could not note the API key's last use");
    }
  }
  return { id: row.id, merchantId: row.merchantId };
}

/** The merchant's keys, newest first: prefixes only, never the secret. */
export async function listApiKeys(db: DbOrTx, merchantId: string) {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.merchantId, merchantId)).orderBy(desc(apiKeys.createdAt));
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes a key of this merchant; false when there is no such (active) key. */
export async function revokeApiKey(db: DbOrTx, params: { merchantId: string; id: string; now: Date }) {
  if (!isUuid(params.id)) return false;
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: params.now })
    .where(and(eq(apiKeys.id, params.id), eq(apiKeys.merchantId, params.merchantId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length === 1;
}
