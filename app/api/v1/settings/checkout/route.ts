// GET/PUT /api/v1/settings/checkout – how new orders are made: how long they stay open, whether they ask a unique amount
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { checkoutSettingsSchema, getCheckoutSettings, setCheckoutSettings } from "@/lib/services/checkout-settings";

export const GET = merchantRoute(async ({ db, merchantId }) => Response.json(await getCheckoutSettings(db, merchantId)));

export const PUT = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const settings = await readJson(request, checkoutSettingsSchema);
  return Response.json(await setCheckoutSettings(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, settings }));
});
