// POST /api/app/api-keys – the signed-in user creates an API key (its secret is in this answer only)
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { apiKeySchema, issueApiKey } from "@/lib/services/api-keys";

export const POST = sessionRoute(async ({ db, user, request }) => {
  const { name } = await readJson(request, apiKeySchema);
  return Response.json(await issueApiKey(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, name }), { status: 201 });
});
