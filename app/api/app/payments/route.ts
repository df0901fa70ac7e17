// GET /api/app/payments?view=&status=&channel=&from=&to=&q=&cursor= – the signed-in merchant's payments for the workbench list
import { sessionRoute } from "@/lib/auth/session";
import { listPayments, paymentFiltersFrom } from "@/lib/services/list-payments";

const LIMIT = 50;

export const GET = sessionRoute(async ({ db, user, request }) => {
  const q = new URL(request.url).searchParams;
  return Response.json(await listPayments(db, { merchantId: user.merchantId, ...paymentFiltersFrom(q), limit: LIMIT }));
});
