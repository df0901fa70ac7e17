// GET /api/v1/settings/storefront-webhook/deliveries – the delivery log, newest first
import { merchantRoute } from "@/lib/http/api-route";
import { listDeliveries } from "@/lib/services/storefront-webhooks";

export const GET = merchantRoute(async ({ db, merchantId }) =>
  Response.json({ data: await listDeliveries(db, merchantId), nextCursor: null }),
);
