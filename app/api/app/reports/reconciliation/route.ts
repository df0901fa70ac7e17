// GET /api/app/reports/reconciliation – the v1 reconciliation report for the signed-in user's merchant (same query, same answer)
import { sessionRoute } from "@/lib/auth/session";
import { reconciliationResponse } from "@/lib/services/report-response";

export const runtime = "nodejs";

export const GET = sessionRoute(async ({ db, user, request }) => reconciliationResponse(db, user.merchantId, new URL(request.url)));
