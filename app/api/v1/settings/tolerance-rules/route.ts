// GET/PUT /api/v1/settings/tolerance-rules – amount differences under which a short payment still settles its order
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { listToleranceRules, putToleranceRulesSchema, replaceToleranceRules } from "@/lib/services/tolerance-rules";

export const GET = merchantRoute(async ({ db, merchantId }) =>
  Response.json({ data: await listToleranceRules(db, merchantId), nextCursor: null }),
);

export const PUT = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const { rules } = await readJson(request, putToleranceRulesSchema);
  await replaceToleranceRules(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, rules });
  return Response.json({ data: await listToleranceRules(db, merchantId), nextCursor: null });
});
