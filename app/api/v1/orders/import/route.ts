// POST /api/v1/orders/import?format=taobao|douyin – a platform's order export (CSV, UTF-8 or GBK)
import { merchantRoute } from "@/lib/http/api-route";
import { importOrdersRequest } from "@/lib/services/import-requests";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) =>
  Response.json(await importOrdersRequest(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, request })),
);
