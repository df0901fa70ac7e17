// POST /api/v1/settings/storefront-webhook – where (and with which secret) we POST order status changes
import { z } from "zod";
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { setStorefrontWebhook } from "@/lib/services/storefront-webhooks";

const schema = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  secret: z.string().min(16, "must be at least 16 characters").max(200),
});

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const input = await readJson(request, schema);
  const saved = await setStorefrontWebhook(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, ...input });
  return Response.json(saved, { status: 200 });
});
