import { PaymentDetail } from "@/components/payments/payment-detail";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";

export default async function PaymentPage({ params }: { params: Promise<{ paymentId: string }> }) {
  const [{ paymentId }, user] = await Promise.all([params, requireUser()]);
  return <PaymentDetail paymentId={paymentId} canMatch={can(user.role, "match")} />;
}
