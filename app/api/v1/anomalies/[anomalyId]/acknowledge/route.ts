// POST /api/v1/anomalies/{anomalyId}/acknowledge – someone is on it (optional { note })
import { z } from "zod";
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { acknowledgeAnomaly } from "@/lib/services/anomalies";

const schema = z.object({ note: z.string().trim().min(1).max(2000).optional() });

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { anomalyId }) => {
  // The body is optional: no Content-Type means no note.
  const { note } = request.headers.get("content-type") ? await readJson(request, schema) : {};
  return Response.json(await acknowledgeAnomaly(db, { merchantId, anomalyId, note, actor: { type: "api_key", id: apiKeyId } }));
});
