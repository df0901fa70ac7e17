// POST /api/v1/jobs/anomaly-sweep – run the anomaly sweep now for the caller's merchant → { opened, resolved }
import { merchantRoute } from "@/lib/http/api-route";
import { runAnomalySweep } from "@/lib/services/anomalies";

export const POST = merchantRoute(async ({ db, merchantId }) => Response.json(await runAnomalySweep(db, { merchantId })));
