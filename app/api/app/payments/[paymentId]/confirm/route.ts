// POST /api/app/payments/{paymentId}/confirm – the signed-in user confirms suggestion { index }
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { confirmSchema, confirmSuggestion } from "@/lib/services/manual-match";

export const POST = sessionRoute(async ({ db, user, request }, { paymentId }) => {
  const { index } = await readJson(request, confirmSchema);
  const actor = { type: "user" as const, id: user.id };
  return Response.json(await confirmSuggestion(db, { merchantId: user.merchantId, paymentId, index, actor, now: new Date() }));
}, "match");
