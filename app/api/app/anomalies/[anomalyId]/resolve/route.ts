// POST /api/app/anomalies/{anomalyId}/resolve – the signed-in user settles the anomaly: { note }
import { z } from "zod";
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { resolveAnomaly } from "@/lib/services/anomalies";

const schema = z.object({ note: z.string().trim().min(1).max(2000) });

export const POST = sessionRoute(async ({ db, user, request }, { anomalyId }) => {
  const { note } = await readJson(request, schema);
  return Response.json(await resolveAnomaly(db, { merchantId: user.merchantId, anomalyId, note, actor: { type: "user", id: user.id } }));
}, "resolve_anomalies");
