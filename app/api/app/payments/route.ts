// GET /api/app/payments?view=pending|all – the signed-in merchant's payments for the workbench list
import { sessionRoute } from "@/lib/auth/session";
import { badRequest } from "@/lib/http/errors";
import { listPayments } from "@/lib/services/list-payments";

const LIMIT = 100;

export const GET = sessionRoute(async ({ db, user, request }) => {
  const view = new URL(request.url).searchParams.get("view") ?? "pending";
  if (view !== "pending" && view !== "all") throw badRequest('view: must be "pending" or "all"', "invalid_field");
  const page = (status?: "unmatched" | "suggested") => listPayments(db, { merchantId: user.merchantId, status, limit: LIMIT, cursor: null });
  if (view === "all") return Response.json({ data: (await page()).data });
  // "Pending" is two statuses; listPayments filters one, so merge the two newest-first pages.
  const [unmatched, suggested] = await Promise.all([page("unmatched"), page("suggested")]);
  const data = [...unmatched.data, ...suggested.data]
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.paymentId.localeCompare(a.paymentId))
    .slice(0, LIMIT);
  return Response.json({ data });
});
