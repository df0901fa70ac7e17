"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ListFilters, PageLinks } from "@/components/lists/list-filters";
import { toSearchParams } from "@/components/lists/query";
import { appFetch, focusRing } from "@/components/payments/app-api";
import { PaymentStatusBadge } from "@/components/ui/status-badge";
import { formatYuan } from "@/lib/core/money";
import { formatZoned } from "@/lib/core/time";
import { useI18n } from "@/lib/i18n/client";
import { labelOf } from "@/lib/i18n/messages";
import type { getPaymentView } from "@/lib/services/payments";

type PaymentRow = Awaited<ReturnType<typeof getPaymentView>>;
type View = "pending" | "all";

const TIME_ZONE = "Asia/Shanghai";
const th = "px-4 py-2.5 font-medium";
const td = "px-4 py-3 align-middle";

const STATUS_OPTIONS = ["pending", "unmatched", "suggested", "matched", "partially_matched", "ignored"];

/**
 * The workbench list: pending (unmatched + to confirm) by default, or every payment, narrowed by the
 * filters in the URL (the board's figures link here with channel, dates and status).
 */
export function PaymentsList({ query: params }: { query: Record<string, string | undefined> }) {
  const { messages: t } = useI18n();
  const p = t.payments;
  const router = useRouter();
  const values = params;
  const view: View = values.view === "all" || (values.status && values.status !== "pending") ? "all" : "pending";
  const qs = toSearchParams(values).toString();
  const query = useQuery({
    queryKey: ["app-payments", qs],
    queryFn: () => appFetch<{ data: PaymentRow[]; nextCursor: string | null }>(`/api/app/payments?${qs}`),
  });
  const rows = query.data?.data ?? [];
  const setView = (next: View) => router.push(next === "all" ? "/payments?view=all" : "/payments");
  const tabs: { id: View; label: string }[] = [
    { id: "pending", label: p.tabPending },
    { id: "all", label: p.tabAll },
  ];

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{p.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{p.subheading}</p>
      </div>
      <div role="group" aria-label={p.filter} className="inline-flex rounded-lg bg-slate-100 p-1">
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            aria-pressed={view === tab.id}
            data-testid={`payments-tab-${tab.id}`}
            onClick={() => setView(tab.id)}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${focusRing} ${
              view === tab.id ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"
            }`}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <ListFilters
        action="/payments"
        values={values}
        keep={{ view }}
        searchHint={p.searchHint}
        selects={[
          { name: "channel", label: p.channel, options: Object.entries(t.channels).map(([value, label]) => ({ value, label })) },
          { name: "status", label: p.status, options: STATUS_OPTIONS.map((value) => ({ value, label: labelOf(p.statusFilter, value) })) },
        ]}
      />
      <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        {query.isPending ? (
          <p className="px-4 py-8 text-center text-sm text-slate-500">{p.loading}</p>
        ) : query.isError ? (
          <p role="alert" className="px-4 py-8 text-center text-sm text-red-700">
            {p.loadFailed}
          </p>
        ) : rows.length === 0 ? (
          <p data-testid="payments-empty" className="px-4 py-8 text-center text-sm text-slate-500">
            {view === "pending" ? p.empty : p.emptyAll}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="payments-table">
              <thead className="bg-slate-50 text-left text-xs font-medium text-slate-500">
                <tr>
                  <th scope="col" className={th}>{p.time}</th>
                  <th scope="col" className={th}>{p.channel}</th>
                  <th scope="col" className={`${th} text-right`}>{p.amount}</th>
                  <th scope="col" className={th}>{p.payer}</th>
                  <th scope="col" className={th}>{p.memo}</th>
                  <th scope="col" className={th}>{p.status}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.paymentId} data-testid={`payments-row-${row.paymentId}`} className="hover:bg-slate-50/60">
                    <td className={`${td} whitespace-nowrap tabular-nums`}>
                      <Link
                        href={`/payments/${row.paymentId}`}
                        data-testid={`payments-link-${row.paymentId}`}
                        className={`rounded text-teal-700 underline-offset-2 hover:underline ${focusRing}`}
                      >
                        <time dateTime={row.receivedAt}>{formatZoned(new Date(row.receivedAt), TIME_ZONE)}</time>
                      </Link>
                    </td>
                    <td className={td}>{labelOf(t.channels, row.channel)}</td>
                    <td className={`${td} text-right font-medium tabular-nums text-slate-900`}>{formatYuan(row.amount)}</td>
                    <td className={`${td} text-slate-700`}>{row.payerName ?? p.none}</td>
                    <td className={`${td} max-w-64 truncate text-slate-700`} title={row.memo ?? undefined}>
                      {row.memo ?? p.none}
                    </td>
                    <td className={td}>
                      <PaymentStatusBadge status={row.status} label={labelOf(t.paymentStatus, row.status)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <PageLinks action="/payments" values={values} nextCursor={query.data?.nextCursor ?? null} />
    </div>
  );
}
