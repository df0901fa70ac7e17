// POST /api/app/settings/storefront-webhook – the signed-in user sets where order status changes are POSTed
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { setStorefrontWebhook, storefrontWebhookSchema } from "@/lib/services/storefront-webhooks";

export const POST = sessionRoute(async ({ db, user, request }) => {
  const input = await readJson(request, storefrontWebhookSchema);
  return Response.json(await setStorefrontWebhook(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, ...input }));
});
