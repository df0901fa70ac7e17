// GET /api/v1/payments?status=&channel=&from=&to=&limit=&cursor= – the merchant's payments, newest first
import { z } from "zod";
import { channelEnum, paymentStatusEnum } from "@/lib/db/schema";
import { merchantRoute } from "@/lib/http/api-route";
import { badRequest } from "@/lib/http/errors";
import { decodeCursor, parseDateParam, parseLimit } from "@/lib/http/pagination";
import { listPayments } from "@/lib/services/list-payments";

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
  const page = await listPayments(db, {
    merchantId,
    status: pick("status", z.enum(paymentStatusEnum.enumValues)),
    channel: pick("channel", z.enum(channelEnum.enumValues)),
    from: parseDateParam("from", q.get("from"), SHANGHAI_OFFSET),
    to: parseDateParam("to", q.get("to"), SHANGHAI_OFFSET, true),
    limit: parseLimit(q.get("limit")),
    cursor: decodeCursor(q.get("cursor")),
  });
  return Response.json(page);
});
