import { notFound } from "next/navigation";
import { flatParams, type PageSearchParams } from "@/components/lists/query";
import { PaymentsList, type StatementFilter } from "@/components/payments/payments-list";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { getDb } from "@/lib/db/client";
import { getStatementImport } from "@/lib/services/statement-history";

const KEYS = ["view", "status", "channel", "statementId", "from", "to", "q", "cursor"] as const;

export default async function PaymentsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const [query, user] = await Promise.all([flatParams(searchParams, KEYS), requireUser()]);
  let statement: StatementFilter | null = null;
  if (query.statementId) {
    // An import link names its file; one that names none of this merchant's statements is a missing page, not an empty list.
    const entry = await getStatementImport(await getDb(), { merchantId: user.merchantId, statementId: query.statementId });
    if (!entry || entry.kind !== "statement") notFound();
    statement = { id: entry.id, createdAt: entry.createdAt, account: entry.channelAccount?.name ?? null, format: entry.format };
  }
  // key: a new filter set mounts a fresh list, so the form shows the URL's values, not stale input.
  return <PaymentsList key={JSON.stringify(query)} query={query} statement={statement} canMatch={can(user.role, "match")} />;
}
