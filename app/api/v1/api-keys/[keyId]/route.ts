// DELETE /api/v1/api-keys/{keyId} – revoke a key; requests with it get 401 from then on
import { appendAuditEvents } from "@/lib/db/queries/audit";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { notFound } from "@/lib/http/errors";
import { merchantRoute } from "@/lib/http/api-route";

export const DELETE = merchantRoute(async ({ db, merchantId, apiKeyId }, { keyId }) => {
  const revoked = await db.transaction(async (tx) => {
    if (!(await revokeApiKey(tx, { merchantId, id: keyId, now: new Date() }))) return false;
    await appendAuditEvents(tx, merchantId, { type: "api_key", id: apiKeyId }, [
      { action: "api_key.revoked", subjectType: "api_key", subjectId: keyId },
    ]);
    return true;
  });
  if (!revoked) throw notFound("API key");
  return new Response(null, { status: 204 });
});
