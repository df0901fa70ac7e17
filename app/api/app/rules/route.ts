// PUT /api/app/rules – the signed-in user replaces the anomaly rules (same body as PUT /api/v1/rules)
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { putRulesSchema, replaceAnomalyRules } from "@/lib/services/anomaly-rules";

export const PUT = sessionRoute(async ({ db, user, request }) => {
  const { rules } = await readJson(request, putRulesSchema);
  return Response.json({ data: await replaceAnomalyRules(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, rules }) });
});
