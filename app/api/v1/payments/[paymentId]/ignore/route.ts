// POST /api/v1/payments/{paymentId}/ignore { reason } – sets aside money that is no customer's payment
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { ignorePayment, ignoreSchema } from "@/lib/services/payment-ignore";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { paymentId }) => {
  const { reason } = await readJson(request, ignoreSchema);
  return Response.json(await ignorePayment(db, { merchantId, paymentId, reason, actor: { type: "api_key", id: apiKeyId }, now: new Date() }));
});
