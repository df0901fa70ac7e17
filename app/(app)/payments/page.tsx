import { flatParams, type PageSearchParams } from "@/components/lists/query";
import { PaymentsList } from "@/components/payments/payments-list";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";

const KEYS = ["view", "status", "channel", "from", "to", "q", "cursor"] as const;

export default async function PaymentsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const [query, user] = await Promise.all([flatParams(searchParams, KEYS), requireUser()]);
  // key: a new filter set mounts a fresh list, so the form shows the URL's values, not stale input.
  return <PaymentsList key={JSON.stringify(query)} query={query} canMatch={can(user.role, "match")} />;
}
