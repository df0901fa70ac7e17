import Link from "next/link";
import { ListFilters, PageLinks } from "@/components/lists/list-filters";
import { flatParams, toSearchParams, type PageSearchParams } from "@/components/lists/query";
import { focusRing } from "@/components/payments/app-api";
import { OrderStatusBadge } from "@/components/ui/status-badge";
import { requireUser } from "@/lib/auth/session";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/errors";
import { formatMoney } from "@/lib/i18n/money";
import { getLocale, getMessages } from "@/lib/i18n/server";
import { labelOf } from "@/lib/i18n/messages";
import { listOrders, orderFiltersFrom } from "@/lib/services/orders";
import { cellClass as td, DataTable } from "@/components/ui/data-table";

const KEYS = ["status", "source", "channel", "from", "to", "q", "cursor"] as const;
const TIME_ZONE = "Asia/Shanghai";

export default async function OrdersPage({ searchParams }: { searchParams: PageSearchParams }) {
  const [user, t, values, locale] = await Promise.all([requireUser(), getMessages(), flatParams(searchParams, KEYS), getLocale()]);
  const o = t.orders;
  let page: Awaited<ReturnType<typeof listOrders>> | null = null;
  let invalid: string | null = null;
  try {
    page = await listOrders(await getDb(), { merchantId: user.merchantId, ...orderFiltersFrom(toSearchParams(values)), limit: 50 });
  } catch (err) {
    // A hand-edited URL with a bad filter shows the form again, not an error page.
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    invalid = err.message;
  }
  const options = (map: Record<string, string>) => Object.entries(map).map(([value, label]) => ({ value, label }));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{o.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{o.subheading}</p>
      </div>
      <ListFilters
        action="/orders"
        values={values}
        searchHint={o.searchHint}
        selects={[
          { name: "status", label: o.status, options: options(t.orderStatus) },
          { name: "source", label: o.source, options: options(o.sources) },
          { name: "channel", label: o.channel, options: options(t.channels) },
        ]}
      />
      <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        {invalid !== null ? (
          <p role="alert" className="px-4 py-8 text-center text-sm text-red-700">
            {o.invalidFilter}
          </p>
        ) : !page || page.data.length === 0 ? (
          <p data-testid="orders-empty" className="px-4 py-8 text-center text-sm text-slate-500">
            {o.empty}
          </p>
        ) : (
          <DataTable
            data-testid="orders-table"
            columns={[
              { label: o.reference },
              { label: o.orderNo },
              { label: o.source },
              { label: o.amount, align: "right" },
              { label: o.paid, align: "right" },
              { label: o.status },
              { label: o.createdAt },
            ]}
          >
            {page.data.map((row) => (
              <tr key={row.orderId} data-testid={`orders-row-${row.reference}`} className="hover:bg-slate-50/60">
                <td className={`${td} font-mono text-xs`}>
                  <Link href={`/orders/${row.reference}`} data-testid={`orders-link-${row.reference}`} className={`rounded font-medium text-teal-700 underline-offset-2 hover:underline ${focusRing}`}>
                    {row.reference}
                  </Link>
                </td>
                <td className={`${td} break-all text-slate-700`}>{row.orderNo}</td>
                <td className={td}>{labelOf(o.sources, row.source)}</td>
                <td className={`${td} text-right font-medium tabular-nums text-slate-900`}>{formatMoney(row.amount, row.currency, locale)}</td>
                <td className={`${td} text-right tabular-nums text-slate-700`}>{formatMoney(row.paidAmount, row.currency, locale)}</td>
                <td className={td}>
                  <OrderStatusBadge status={row.status} label={labelOf(t.orderStatus, row.status)} />
                </td>
                <td className={`${td} whitespace-nowrap tabular-nums text-slate-600`}>
                  <time dateTime={row.createdAt}>{formatZoned(new Date(row.createdAt), TIME_ZONE)}</time>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <PageLinks action="/orders" values={values} nextCursor={page?.nextCursor ?? null} />
    </div>
  );
}
