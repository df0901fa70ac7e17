// POST /api/v1/anomalies/{anomalyId}/resolve – a person settles the anomaly, with a note
import { z } from "zod";
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { resolveAnomaly } from "@/lib/services/anomalies";

const schema = z.object({ note: z.string().trim().min(1).max(2000) });

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { anomalyId }) => {
  const { note } = await readJson(request, schema);
  return Response.json(await resolveAnomaly(db, { merchantId, anomalyId, note, actor: { type: "api_key", id: apiKeyId } }));
});
