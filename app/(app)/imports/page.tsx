import Link from "next/link";
import { ImportForm } from "@/components/imports/import-form";
import { PageLinks } from "@/components/lists/list-filters";
import { flatParams, type PageSearchParams } from "@/components/lists/query";
import { textLink } from "@/components/payments/app-api";
import { cellClass as td, DataTable } from "@/components/ui/data-table";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/errors";
import { decodeCursor } from "@/lib/http/pagination";
import { labelOf } from "@/lib/i18n/messages";
import { getMessages } from "@/lib/i18n/server";
import { listChannelAccounts } from "@/lib/services/channel-accounts";
import { listStatementImports } from "@/lib/services/statement-history";

const TIME_ZONE = "Asia/Shanghai";

/** The cursor from the URL; a hand-edited one starts the history from the newest import again. */
function cursorFrom(value: string | undefined) {
  try {
    return decodeCursor(value ?? null);
  } catch (err) {
    if (err instanceof ApiError) return null;
    throw err;
  }
}

export default async function ImportsPage({ searchParams }: { searchParams: PageSearchParams }) {
  const [user, t, values] = await Promise.all([requireUser(), getMessages(), flatParams(searchParams, ["cursor"] as const)]);
  const db = await getDb();
  const [accounts, history] = await Promise.all([
    listChannelAccounts(db, user.merchantId),
    listStatementImports(db, { merchantId: user.merchantId, cursor: cursorFrom(values.cursor), limit: 20 }),
  ]);
  const h = t.imports.history;
  const num = `${td} text-right tabular-nums`;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{t.imports.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{t.imports.subheading}</p>
      </div>
      {can(user.role, "import") ? (
        <ImportForm accounts={accounts.map((a) => ({ id: a.id, name: a.name, channel: a.channel }))} />
      ) : (
        // Uploading answers 403 to a viewer: the history below stays readable, the upload form is not offered.
        <p role="note" data-testid="read-only-notice" className="rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600 shadow-sm sm:px-5">
          {t.readOnlyNotice.imports}
        </p>
      )}
      <section aria-labelledby="import-history-heading" className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <h2 id="import-history-heading" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900 sm:px-5">
          {h.heading}
        </h2>
        {history.data.length === 0 ? (
          <p data-testid="import-history-empty" className="px-4 py-8 text-center text-sm text-slate-500">
            {h.empty}
          </p>
        ) : (
          <DataTable
            data-testid="import-history"
            columns={[
              { label: h.time },
              { label: h.account },
              { label: t.imports.format },
              { label: h.lines, align: "right" },
              { label: t.imports.imported, align: "right" },
              { label: t.imports.duplicates, align: "right" },
              { label: t.imports.rejected, align: "right" },
              { label: h.pending, align: "right" },
              { label: h.by },
              { label: h.result },
            ]}
          >
            {history.data.map((s) => (
              <tr key={s.id} data-testid={`import-history-${s.id}`} className="hover:bg-slate-50/60">
                <td className={`${td} whitespace-nowrap tabular-nums text-slate-700`}>
                  <time dateTime={s.createdAt}>{formatZoned(new Date(s.createdAt), TIME_ZONE)}</time>
                </td>
                <td className={td}>
                  {s.kind === "orders" ? labelOf(t.orders.sources, s.format) : s.channelAccount ? s.channelAccount.name : "—"}
                  {s.channelAccount ? <span className="block text-xs text-slate-500">{labelOf(t.channels, s.channelAccount.channel)}</span> : null}
                </td>
                <td className={`${td} whitespace-nowrap`}>{s.kind === "orders" ? t.imports.kinds.orders : labelOf(t.imports.statementFormats, s.format)}</td>
                <td className={num}>{s.lineCount}</td>
                <td className={`${num} font-medium text-slate-900`} data-testid="history-imported">
                  {s.imported}
                  {s.updated > 0 ? (
                    <span className="block text-xs font-normal text-slate-500" data-testid="history-updated">
                      {t.imports.updated} {s.updated}
                    </span>
                  ) : null}
                </td>
                <td className={num} data-testid="history-duplicates">
                  {s.duplicates}
                  {s.confirmed > 0 ? (
                    <span className="block text-xs text-slate-500" data-testid="history-confirmed">
                      {h.confirmed} {s.confirmed}
                    </span>
                  ) : null}
                </td>
                <td className={`${num} ${s.rejected > 0 ? "text-amber-700" : ""}`} data-testid="history-rejected">
                  {s.rejected}
                  {s.changed > 0 ? (
                    <span className="block text-xs text-slate-500" data-testid="history-changed">
                      {t.imports.changed} {s.changed}
                    </span>
                  ) : null}
                </td>
                <td className={num} data-testid="history-pending">
                  {s.kind === "orders" ? (
                    "—"
                  ) : s.pending > 0 ? (
                    <Link href={`/payments?statementId=${s.id}`} className={`${textLink} font-medium`}>
                      {s.pending}
                    </Link>
                  ) : (
                    0
                  )}
                </td>
                <td className={`${td} text-xs text-slate-600`}>
                  {s.importedBy ? labelOf(t.auditLog.actorTypes, s.importedBy.type) : "—"}
                  {s.importedBy?.label ? <span className="block break-all text-slate-500">{s.importedBy.label}</span> : null}
                </td>
                <td className={`${td} whitespace-nowrap`}>
                  {s.kind === "orders" ? (
                    <Link href={`/orders?source=${s.format}`} className={textLink} data-testid="history-orders">
                      {t.imports.toOrders}
                    </Link>
                  ) : s.imported + s.confirmed > 0 ? (
                    <Link href={`/payments?view=all&statementId=${s.id}`} className={textLink} data-testid="history-payments">
                      {h.view}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <PageLinks action="/imports" values={values} nextCursor={history.nextCursor} />
    </div>
  );
}
