// GET /api/app/anomalies – the signed-in merchant's open anomalies, newest first
import { sessionRoute } from "@/lib/auth/session";
import { listAnomalies } from "@/lib/services/anomalies";

export const GET = sessionRoute(async ({ db, user }) => Response.json(await listAnomalies(db, user.merchantId, { status: "open", limit: 200 })));
