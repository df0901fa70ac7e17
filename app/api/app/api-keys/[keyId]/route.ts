// DELETE /api/app/api-keys/{keyId} – the signed-in user revokes an API key
import { sessionRoute } from "@/lib/auth/session";
import { withdrawApiKey } from "@/lib/services/api-keys";

export const DELETE = sessionRoute(async ({ db, user }, { keyId }) => {
  await withdrawApiKey(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, keyId });
  return new Response(null, { status: 204 });
});
