// POST /api/v1/checkout – create (idempotently) an order and the reference that travels with its payment
import { baseUrlOf } from "@/lib/http/base-url";
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { checkout, checkoutSchema } from "@/lib/services/checkout";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const input = await readJson(request, checkoutSchema);
  const result = await checkout(db, {
    merchantId,
    actor: { type: "api_key", id: apiKeyId },
    input,
    baseUrl: baseUrlOf(request),
    now: new Date(),
  });
  return Response.json(result.body, { status: result.created ? 201 : 200 });
});
