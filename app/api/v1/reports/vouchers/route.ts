// GET /api/v1/reports/vouchers – 记账凭证 CSV for the 金蝶 (kingdee) or 用友 (yonyou) voucher import
import { merchantRoute } from "@/lib/http/api-route";
import { vouchersResponse } from "@/lib/services/report-vouchers";

export const runtime = "nodejs";

export const GET = merchantRoute(async ({ db, merchantId, request }) => vouchersResponse(db, merchantId, new URL(request.url)));
