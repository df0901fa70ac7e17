// DELETE /api/v1/api-keys/{keyId} – revoke a key; requests with it get 401 from then on
import { merchantRoute } from "@/lib/http/api-route";
import { withdrawApiKey } from "@/lib/services/api-keys";

export const DELETE = merchantRoute(async ({ db, merchantId, apiKeyId }, { keyId }) => {
  await withdrawApiKey(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, keyId });
  return new Response(null, { status: 204 });
});
