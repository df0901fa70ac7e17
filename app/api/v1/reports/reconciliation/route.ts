// GET /api/v1/reports/reconciliation – the one-click reconciliation report (json | csv | xlsx | pdf)
import { merchantRoute } from "@/lib/http/api-route";
import { reconciliationResponse } from "@/lib/services/report-response";

export const runtime = "nodejs";

export const GET = merchantRoute(async ({ db, merchantId, request }) => reconciliationResponse(db, merchantId, new URL(request.url)));
