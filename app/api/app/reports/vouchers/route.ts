// GET /api/app/reports/vouchers – the v1 金蝶/用友 voucher export for the signed-in user's merchant (same query, same answer)
import { sessionRoute } from "@/lib/auth/session";
import { vouchersResponse } from "@/lib/services/report-vouchers";

export const runtime = "nodejs";

export const GET = sessionRoute(async ({ db, user, request }) => vouchersResponse(db, user.merchantId, new URL(request.url)));
