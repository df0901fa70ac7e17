// GET /api/v1/orders/{reference} – an order with its status and the payments allocated to it
import { merchantRoute } from "@/lib/http/api-route";
import { getOrderView } from "@/lib/services/orders";

export const GET = merchantRoute(async ({ db, merchantId }, { reference }) =>
  Response.json(await getOrderView(db, merchantId, reference)),
);
