// POST /api/v1/orders/push – an order pushed by a mini program or POS, signed instead of API-key authenticated
import { getDb } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import { publicRoute, readJsonText } from "@/lib/http/api-route";
import { pushOrder } from "@/lib/services/order-push";

export const POST = publicRoute(async (request) => {
  // The signature covers the exact bytes sent: read them once, verify, then parse.
  const rawBody = await readJsonText(request);
  const result = await pushOrder(await getDb(), {
    merchantId: request.headers.get("x-ldxp-merchant") ?? "",
    signature: request.headers.get("x-ldxp-signature") ?? "",
    rawBody,
    baseUrl: baseUrlOf(request),
    now: new Date(),
  });
  return Response.json(result.body, { status: result.created ? 201 : 200 });
});
