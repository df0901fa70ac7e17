import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { notFound } from "@/lib/http/errors";

export const apiKeySchema = z.object({ name: z.string().trim().min(1).max(100) });

/** A new key with its audit event; the secret is in the answer and nowhere else, ever. */
export async function issueApiKey(db: Db, params: { merchantId: string; actor: Actor; name: string }) {
  const key = await db.transaction(async (tx) => {
    const created = await createApiKey(tx, { merchantId: params.merchantId, name: params.name });
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      { action: "api_key.created", subjectType: "api_key", subjectId: created.id, after: { name: params.name, prefix: created.prefix } },
    ]);
    return created;
  });
  return { id: key.id, name: params.name, key: key.key, prefix: key.prefix };
}

/** Revokes a key with its audit event; 404 when the merchant has no such active key. */
export async function withdrawApiKey(db: Db, params: { merchantId: string; actor: Actor; keyId: string }) {
  const revoked = await db.transaction(async (tx) => {
    if (!(await revokeApiKey(tx, { merchantId: params.merchantId, id: params.keyId, now: new Date() }))) return false;
    await appendAuditEvents(tx, params.merchantId, params.actor, [{ action: "api_key.revoked", subjectType: "api_key", subjectId: params.keyId }]);
    return true;
  });
  if (!revoked) throw notFound("API key");
}
