// GET /api/app/payments/{paymentId} – one payment for the workbench, suggestions explained in both languages
import { and, eq } from "drizzle-orm";
import { sessionRoute } from "@/lib/auth/session";
import { payments } from "@/lib/db/schema";
import { getPaymentView } from "@/lib/services/payments";

export const GET = sessionRoute(async ({ db, user }, { paymentId }) => {
  const view = await getPaymentView(db, user.merchantId, paymentId);
  if (!view.suggestions) return Response.json(view);
  // The contract's view carries only the English suggestion text; the workbench also shows Chinese.
  const [row] = await db
    .select({ suggestions: payments.suggestions })
    .from(payments)
    .where(and(eq(payments.id, view.paymentId), eq(payments.merchantId, user.merchantId)));
  const suggestions = view.suggestions.map((s, i) => ({ ...s, explanationZh: row?.suggestions[i]?.explanation.zh ?? s.explanation }));
  return Response.json({ ...view, suggestions });
});
