// GET /api/v1/orders?status=&source=&from=&to=&limit=&cursor= – the merchant's orders, newest first
import { orderSourceEnum, orderStatusEnum } from "@/lib/db/schema";
import { merchantRoute } from "@/lib/http/api-route";
import { decodeCursor, enumParam, parseDateParam, parseLimit } from "@/lib/http/pagination";
import { listOrders } from "@/lib/services/orders";

const SHANGHAI_OFFSET = 480;

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  const page = await listOrders(db, {
    merchantId,
    status: enumParam(q, "status", orderStatusEnum.enumValues),
    source: enumParam(q, "source", orderSourceEnum.enumValues),
    from: parseDateParam("from", q.get("from"), SHANGHAI_OFFSET),
    to: parseDateParam("to", q.get("to"), SHANGHAI_OFFSET, true),
    limit: parseLimit(q.get("limit")),
    cursor: decodeCursor(q.get("cursor")),
  });
  return Response.json(page);
});
