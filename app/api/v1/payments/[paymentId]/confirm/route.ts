// POST /api/v1/payments/{paymentId}/confirm – confirms a suggestion: { index? } (default the best one)
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { confirmSchema, confirmSuggestion } from "@/lib/services/manual-match";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { paymentId }) => {
  // An empty body means "the best suggestion".
  const hasBody = (request.headers.get("content-length") ?? "") !== "0" && request.headers.has("content-type");
  const { index } = hasBody ? await readJson(request, confirmSchema) : { index: undefined };
  const view = await confirmSuggestion(db, { merchantId, paymentId, index, actor: { type: "api_key", id: apiKeyId }, now: new Date() });
  return Response.json(view);
});
