// PUT /api/app/settings/checkout – the signed-in user sets how new orders are made
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { checkoutSettingsSchema, setCheckoutSettings } from "@/lib/services/checkout-settings";

export const PUT = sessionRoute(async ({ db, user, request }) => {
  const settings = await readJson(request, checkoutSettingsSchema);
  return Response.json(await setCheckoutSettings(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, settings }));
});
