// GET /api/v1/orders?status=&source=&from=&to=&limit=&cursor= – the merchant's orders, newest first
import { z } from "zod";
import { badRequest } from "@/lib/http/errors";
import { merchantRoute } from "@/lib/http/api-route";
import { decodeCursor, parseDateParam, parseLimit } from "@/lib/http/pagination";
import { listOrders } from "@/lib/services/orders";

const status = z.enum(["pending", "partially_paid", "paid", "overpaid", "partially_refunded", "refunded", "closed"]);
const source = z.enum(["douyin", "taobao", "miniprogram", "pos", "web", "other"]);
const SHANGHAI_OFFSET = 480;

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  const pick = <T>(name: string, schema: z.ZodType<T>) => {
    const v = q.get(name);
    if (!v) return undefined;
    const parsed = schema.safeParse(v);
    if (!parsed.success) throw badRequest(`${name}: unknown value "${v}"`);
    return parsed.data;
  };
  const page = await listOrders(db, {
    merchantId,
    status: pick("status", status),
    source: pick("source", source),
    from: parseDateParam("from", q.get("from"), SHANGHAI_OFFSET),
    to: parseDateParam("to", q.get("to"), SHANGHAI_OFFSET, true),
    limit: parseLimit(q.get("limit")),
    cursor: decodeCursor(q.get("cursor")),
  });
  return Response.json(page);
});
