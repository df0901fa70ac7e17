// GET /api/v1/anomalies/{anomalyId} – one anomaly with its rules, resolution and history
import { merchantRoute } from "@/lib/http/api-route";
import { getAnomalyView } from "@/lib/services/anomalies";

export const GET = merchantRoute(async ({ db, merchantId }, { anomalyId }) =>
  Response.json(await getAnomalyView(db, merchantId, anomalyId)),
);
