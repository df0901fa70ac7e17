// GET /api/v1/payments/{paymentId} – a payment with its match, explanation and allocations
import { merchantRoute } from "@/lib/http/api-route";
import { getPaymentView } from "@/lib/services/payments";

export const GET = merchantRoute(async ({ db, merchantId }, { paymentId }) =>
  Response.json(await getPaymentView(db, merchantId, paymentId)),
);
