// GET /api/v1/payments?status=&channel=&statementId=&from=&to=&limit=&cursor= – the merchant's payments, newest first
import { channelEnum, paymentStatusEnum } from "@/lib/db/schema";
import { merchantRoute } from "@/lib/http/api-route";
import { dateRangeParams, decodeCursor, enumParam, parseLimit, uuidParam } from "@/lib/http/pagination";
import { listPayments } from "@/lib/services/list-payments";

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  const page = await listPayments(db, {
    merchantId,
    status: enumParam(q, "status", paymentStatusEnum.enumValues),
    channel: enumParam(q, "channel", channelEnum.enumValues),
    statementId: uuidParam(q, "statementId"),
    ...dateRangeParams(q),
    limit: parseLimit(q.get("limit")),
    cursor: decodeCursor(q.get("cursor")),
  });
  return Response.json(page);
});
