// POST /api/app/payments/bulk-ignore – the signed-in user sets several payments aside for one reason { paymentIds, reason }
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { bulkIgnoreSchema, ignorePayments } from "@/lib/services/payment-ignore";

export const POST = sessionRoute(async ({ db, user, request }) => {
  const { paymentIds, reason } = await readJson(request, bulkIgnoreSchema);
  const actor = { type: "user" as const, id: user.id };
  return Response.json(await ignorePayments(db, { merchantId: user.merchantId, paymentIds, reason, actor, now: new Date() }));
}, "match");
