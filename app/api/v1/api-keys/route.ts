// POST /api/v1/api-keys – a new key for storefronts (the secret is shown once); GET lists prefixes only
import { listApiKeys } from "@/lib/auth/api-keys";
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { apiKeySchema, issueApiKey } from "@/lib/services/api-keys";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const { name } = await readJson(request, apiKeySchema);
  return Response.json(await issueApiKey(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, name }), { status: 201 });
});

export const GET = merchantRoute(async ({ db, merchantId }) =>
  Response.json({ data: await listApiKeys(db, merchantId), nextCursor: null }),
);
