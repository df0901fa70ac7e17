import { PaymentsList } from "@/components/payments/payments-list";

export default function PaymentsPage() {
  return <PaymentsList />;
}
