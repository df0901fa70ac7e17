import { PaymentsList } from "@/components/payments/payments-list";

export default async function PaymentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  // key: a new filter set mounts a fresh list, so the form shows the URL's values, not stale input.
  return <PaymentsList key={JSON.stringify(query)} query={query} />;
}
