// POST /api/v1/settings/storefront-webhook – where (and with which secret) we POST order status changes
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { setStorefrontWebhook, storefrontWebhookSchema } from "@/lib/services/storefront-webhooks";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const input = await readJson(request, storefrontWebhookSchema);
  const saved = await setStorefrontWebhook(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, ...input });
  return Response.json(saved, { status: 200 });
});
