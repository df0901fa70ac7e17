// GET /api/v1/orders?status=&source=&channel=&q=&from=&to=&limit=&cursor= – the merchant's orders, newest first
import { merchantRoute } from "@/lib/http/api-route";
import { parseLimit } from "@/lib/http/pagination";
import { listOrders, orderFiltersFrom } from "@/lib/services/orders";

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  const page = await listOrders(db, { merchantId, ...orderFiltersFrom(q), limit: parseLimit(q.get("limit")) });
  return Response.json(page);
});
