// POST /api/app/payments/bulk-confirm – the signed-in user confirms the top suggestion of several payments { paymentIds }
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { bulkConfirmSchema, confirmSuggestions } from "@/lib/services/manual-match";

export const POST = sessionRoute(async ({ db, user, request }) => {
  const { paymentIds } = await readJson(request, bulkConfirmSchema);
  const actor = { type: "user" as const, id: user.id };
  return Response.json(await confirmSuggestions(db, { merchantId: user.merchantId, paymentIds, actor, now: new Date() }));
}, "match");
