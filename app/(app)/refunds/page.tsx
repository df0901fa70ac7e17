import Link from "next/link";
import { ListFilters, PageLinks } from "@/components/lists/list-filters";
import { flatParams, toSearchParams, type PageSearchParams } from "@/components/lists/query";
import { textLink } from "@/components/payments/app-api";
import { requireUser } from "@/lib/auth/session";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/errors";
import { labelOf } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import { getLocale, getMessages } from "@/lib/i18n/server";
import { listRefunds, refundFiltersFrom } from "@/lib/services/list-refunds";
import { cellClass as td, DataTable } from "@/components/ui/data-table";

const KEYS = ["channel", "from", "to", "q", "cursor"] as const;
const TIME_ZONE = "Asia/Shanghai";

export default async function RefundsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const [user, t, values, locale] = await Promise.all([requireUser(), getMessages(), flatParams(searchParams, KEYS), getLocale()]);
  const r = t.refundsList;
  let page: Awaited<ReturnType<typeof listRefunds>> | null = null;
  let invalid = false;
  try {
    page = await listRefunds(await getDb(), { merchantId: user.merchantId, ...refundFiltersFrom(toSearchParams(values)), limit: 50 });
  } catch (err) {
    // A hand-edited URL with a bad filter shows the form again, not an error page.
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    invalid = true;
  }
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{r.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{r.subheading}</p>
      </div>
      <ListFilters
        action="/refunds"
        values={values}
        searchHint={r.searchHint}
        selects={[{ name: "channel", label: r.channel, options: Object.entries(t.channels).map(([value, label]) => ({ value, label })) }]}
      />
      <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        {invalid ? (
          <p role="alert" className="px-4 py-8 text-center text-sm text-red-700">
            {r.invalidFilter}
          </p>
        ) : !page || page.data.length === 0 ? (
          <p data-testid="refunds-empty" className="px-4 py-8 text-center text-sm text-slate-500">
            {r.empty}
          </p>
        ) : (
          <DataTable
            data-testid="refunds-table"
            columns={[
              { label: r.time },
              { label: r.channel },
              { label: r.amount, align: "right" },
              { label: r.payment },
              { label: r.order },
              { label: r.refundId },
            ]}
          >
            {page.data.map((row) => (
              <tr key={row.refundId} data-testid={`refunds-row-${row.channelRefundId}`} className="hover:bg-slate-50/60">
                <td className={`${td} whitespace-nowrap tabular-nums text-slate-700`}>
                  <time dateTime={row.refundedAt}>{formatZoned(new Date(row.refundedAt), TIME_ZONE)}</time>
                </td>
                <td className={td}>{labelOf(t.channels, row.channel)}</td>
                <td className={`${td} text-right font-medium tabular-nums text-slate-900`}>{formatMoney(row.amount, row.currency, locale)}</td>
                <td className={`${td} whitespace-nowrap tabular-nums`}>
                  <Link href={`/payments/${row.paymentId}`} data-testid={`refunds-payment-${row.channelRefundId}`} className={textLink}>
                    {formatMoney(row.paymentAmount, row.currency, locale)}
                    {row.payerName ? ` · ${row.payerName}` : ""}
                  </Link>
                </td>
                <td className={`${td} font-mono text-xs`}>
                  {row.orderReference ? (
                    <Link href={`/orders/${row.orderReference}`} data-testid={`refunds-order-${row.channelRefundId}`} className={textLink}>
                      {row.orderReference}
                    </Link>
                  ) : (
                    r.none
                  )}
                </td>
                <td className={`${td} break-all font-mono text-xs text-slate-600`}>{row.channelRefundId}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <PageLinks action="/refunds" values={values} nextCursor={page?.nextCursor ?? null} />
    </div>
  );
}
