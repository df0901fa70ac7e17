// POST /api/app/payments/{paymentId}/ignore – the signed-in user sets aside money that is no customer's payment: { reason }
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { ignorePayment, ignoreSchema } from "@/lib/services/payment-ignore";

export const POST = sessionRoute(async ({ db, user, request }, { paymentId }) => {
  const { reason } = await readJson(request, ignoreSchema);
  return Response.json(await ignorePayment(db, { merchantId: user.merchantId, paymentId, reason, actor: { type: "user", id: user.id }, now: new Date() }));
}, "match");
