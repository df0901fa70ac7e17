// POST /api/app/payments/{paymentId}/match – the signed-in user's match: { allocations: [{ reference, amount (fen) }] }
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { manualMatchSchema, matchManually } from "@/lib/services/manual-match";

export const POST = sessionRoute(async ({ db, user, request }, { paymentId }) => {
  const { allocations } = await readJson(request, manualMatchSchema);
  const actor = { type: "user" as const, id: user.id };
  return Response.json(await matchManually(db, { merchantId: user.merchantId, paymentId, allocations, actor, now: new Date() }));
}, "match");
