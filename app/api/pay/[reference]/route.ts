// GET /api/pay/{reference} – public status of one order for the customer's pay page
import { getDb } from "@/lib/db/client";
import { notFound } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/api-route";
import { getPayStatus } from "@/lib/services/pay-page";

export const GET = publicRoute(async (_request, { reference }) => {
  const status = await getPayStatus(await getDb(), reference);
  if (!status) throw notFound("Order");
  return Response.json(status, { headers: { "cache-control": "no-store" } });
});
