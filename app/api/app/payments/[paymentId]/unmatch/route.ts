// POST /api/app/payments/{paymentId}/unmatch – the signed-in user takes the payment off its orders
import { z } from "zod";
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { unmatchManually } from "@/lib/services/manual-match";

// The empty JSON body is required on purpose: a cross-site HTML form cannot send application/json.
const emptyBody = z.object({}).strict();

export const POST = sessionRoute(async ({ db, user, request }, { paymentId }) => {
  await readJson(request, emptyBody);
  return Response.json(await unmatchManually(db, { merchantId: user.merchantId, paymentId, actor: { type: "user", id: user.id }, now: new Date() }));
}, "match");
