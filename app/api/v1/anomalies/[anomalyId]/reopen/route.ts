// POST /api/v1/anomalies/{anomalyId}/reopen – undo a resolution (a rule's write-off is taken back), optional { note }
import { z } from "zod";
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { reopenAnomaly } from "@/lib/services/anomalies";

const schema = z.object({ note: z.string().trim().min(1).max(2000).optional() });

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { anomalyId }) => {
  // The body is optional: no Content-Type means no note.
  const { note } = request.headers.get("content-type") ? await readJson(request, schema) : {};
  return Response.json(await reopenAnomaly(db, { merchantId, anomalyId, note, actor: { type: "api_key", id: apiKeyId } }));
});
