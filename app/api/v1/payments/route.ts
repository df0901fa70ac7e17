// GET /api/v1/payments?status=&channel=&from=&to=&limit=&cursor= – the merchant's payments, newest first
import { channelEnum, paymentStatusEnum } from "@/lib/db/schema";
import { merchantRoute } from "@/lib/http/api-route";
import { decodeCursor, enumParam, parseDateParam, parseLimit } from "@/lib/http/pagination";
import { listPayments } from "@/lib/services/list-payments";

const SHANGHAI_OFFSET = 480;

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  const page = await listPayments(db, {
    merchantId,
    status: enumParam(q, "status", paymentStatusEnum.enumValues),
    channel: enumParam(q, "channel", channelEnum.enumValues),
    from: parseDateParam("from", q.get("from"), SHANGHAI_OFFSET),
    to: parseDateParam("to", q.get("to"), SHANGHAI_OFFSET, true),
    limit: parseLimit(q.get("limit")),
    cursor: decodeCursor(q.get("cursor")),
  });
  return Response.json(page);
});
