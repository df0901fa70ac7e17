// PUT /api/app/settings/tolerance-rules – the signed-in user replaces the amount tolerances
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { listToleranceRules, putToleranceRulesSchema, replaceToleranceRules } from "@/lib/services/tolerance-rules";

export const PUT = sessionRoute(async ({ db, user, request }) => {
  const { rules } = await readJson(request, putToleranceRulesSchema);
  await replaceToleranceRules(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, rules });
  return Response.json({ data: await listToleranceRules(db, user.merchantId) });
});
