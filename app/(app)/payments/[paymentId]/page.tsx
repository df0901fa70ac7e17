import { PaymentDetail } from "@/components/payments/payment-detail";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { getDb } from "@/lib/db/client";
import { orNotFound } from "@/lib/http/page-not-found";
import { getPaymentView } from "@/lib/services/payments";

export default async function PaymentPage({ params }: { params: Promise<{ paymentId: string }> }) {
  const [{ paymentId }, user] = await Promise.all([params, requireUser()]);
  // Checked on the server so another merchant's payment id gets the not-found page, not a loading error.
  await orNotFound(getPaymentView(await getDb(), user.merchantId, paymentId));
  return <PaymentDetail paymentId={paymentId} canMatch={can(user.role, "match")} />;
}
