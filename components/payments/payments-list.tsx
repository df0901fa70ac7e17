"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ListFilters, PageLinks } from "@/components/lists/list-filters";
import { toSearchParams } from "@/components/lists/query";
import { AppApiError, appFetch, focusRing, textLink } from "@/components/payments/app-api";
import { sharedPreset } from "@/components/payments/ignore-reason";
import { BulkToolbar, HIGH_CONFIDENCE, ShortcutHelp } from "@/components/payments/workbench-bulk";
import { useWorkbenchKeys, WORKBENCH_KEYS, type WorkbenchKey } from "@/components/payments/workbench-keys";
import { PaymentStatusBadge } from "@/components/ui/status-badge";
import { useErrorText } from "@/components/ui/use-error-text";
import { hasActiveFilters, isReversedRange } from "@/components/payments/payment-filters";
import { describeTop, topAction, topConfidence, topIsClosed, topSuggestion } from "@/components/payments/top-suggestion";
import { formatZoned } from "@/lib/core/time";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { localizeKnown } from "@/lib/i18n/known-texts";
import { labelOf } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import type { BulkConfirmResult } from "@/lib/services/manual-match";
import type { BulkIgnoreResult } from "@/lib/services/payment-ignore";
import type { getPaymentView } from "@/lib/services/payments";
import { cellClass as td, DataTable } from "@/components/ui/data-table";

type PaymentRow = Awaited<ReturnType<typeof getPaymentView>>;
type View = "pending" | "all";

const TIME_ZONE = "Asia/Shanghai";

const STATUS_OPTIONS = ["pending", "unmatched", "suggested", "matched", "partially_matched", "ignored"];

/** The import the list is narrowed to (from 导入记录 or an import's result), as the banner names it. */
export interface StatementFilter {
  id: string;
  createdAt: string;
  account: string | null;
  format: string;
}

/** The list's URL for these filters (no dangling "?" when there are none). */
function listHref(values: Record<string, string | undefined>) {
  const qs = toSearchParams(values).toString();
  return qs ? `/payments?${qs}` : "/payments";
}

const rowId = (paymentId: string) => `payment-row-link-${paymentId}`;

/** Waiting for a person: what can be selected, and set aside in bulk. */
const isPending = (row: PaymentRow) => row.status === "unmatched" || row.status === "suggested";
/** What a bulk confirm takes: a suggestion whose order is open (a closed order's is confirmed on its page, where reopening it is said). */
const isConfirmable = (row: PaymentRow) => row.status === "suggested" && !topIsClosed(row);

// One table markup for every width, as the board's lists: below md the header row goes and each row
// becomes a card laid out on a grid by its cells' max-md classes (amount and status on top, time and
// channel under them, then payer, memo and the top suggestion with its confirm button, each named by its
// data-label). Every test id stays on one element, and screen readers read the cells in column order.
const phoneCards = "max-md:[&_table]:block max-md:[&_tbody]:block max-md:[&_thead]:hidden";
const cardRow = "max-md:grid max-md:items-center max-md:gap-x-3 max-md:gap-y-1.5 max-md:px-4 max-md:py-3";
const cardCell = "max-md:min-w-0 max-md:p-0";
// A card line that prints its column's name on the left, as the board's cards do.
const labeled =
  "max-md:flex max-md:items-baseline max-md:justify-between max-md:gap-4 max-md:before:shrink-0 max-md:before:text-xs max-md:before:text-slate-500 max-md:before:content-[attr(data-label)]";
// The top suggestion's line: its name above, so the suggestion and its confirm button get the card's width.
const labeledAbove =
  "max-md:block max-md:before:mb-0.5 max-md:before:block max-md:before:text-xs max-md:before:text-slate-500 max-md:before:content-[attr(data-label)]";
// The card's columns: the checkbox's (when rows can be selected), the main one, and a narrow one on the right.
const CARD_GRID = {
  select: {
    row: "max-md:grid-cols-[1.5rem_minmax(0,1fr)_auto]",
    main: "max-md:col-start-2",
    side: "max-md:col-start-3",
    wide: "max-md:col-start-2 max-md:col-span-2",
  },
  plain: {
    row: "max-md:grid-cols-[minmax(0,1fr)_auto]",
    main: "max-md:col-start-1",
    side: "max-md:col-start-2",
    wide: "max-md:col-start-1 max-md:col-span-2",
  },
} as const;
const cardButton = `inline-flex shrink-0 items-center justify-center rounded-md px-3 py-1.5 text-sm font-medium md:hidden ${focusRing}`;

/**
 * The workbench list: pending (unmatched + to confirm) by default, or every payment, narrowed by the
 * filters in the URL (the board's figures link here with channel, dates and status).
 */
export function PaymentsList({
  query: params,
  statement,
  canMatch,
}: {
  query: Record<string, string | undefined>;
  statement: StatementFilter | null;
  canMatch: boolean;
}) {
  const { locale, messages: t } = useI18n();
  const p = t.payments;
  const tp = useTranslations("payments");
  const tc = useTranslations("paymentsCard");
  const errorText = useErrorText();
  const router = useRouter();
  const queryClient = useQueryClient();
  const values = params;
  const view: View = values.view === "all" || (values.status && values.status !== "pending") ? "all" : "pending";
  const qs = toSearchParams(values).toString();
  const reversed = isReversedRange(values);
  const filtered = hasActiveFilters(values);
  const query = useQuery({
    queryKey: ["app-payments", qs],
    queryFn: () => appFetch<{ data: PaymentRow[]; nextCursor: string | null }>(`/api/app/payments?${qs}`),
    enabled: !reversed,
  });
  const rows = query.data?.data ?? [];
  const [active, setActive] = useState<number | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [help, setHelp] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ["app-payments"] }), queryClient.invalidateQueries({ queryKey: ["board"] })]);
  const decide = useMutation({
    mutationFn: ({ paymentId, path }: { paymentId: string; path: "confirm" | "reject" }) => appFetch(`/api/app/payments/${paymentId}/${path}`, {}),
    onSuccess: (_, { paymentId, path }) => {
      setResult(path === "confirm" ? p.confirmedOne : p.rejectedOne);
      // A payment decided on its own leaves the selection: a bulk confirm would only find it matched.
      setSelected((all) => {
        const next = new Set(all);
        return next.delete(paymentId) ? next : all;
      });
      return refresh();
    },
    onError: (err) => {
      setResult(errorText(err, { fallback: p.loadFailed }));
      // Refused because the row changed under us (decided by a colleague, its order paid meanwhile): show it as it is now.
      return refresh();
    },
  });
  const bulk = useMutation({
    mutationFn: (paymentIds: string[]) => appFetch<{ results: BulkConfirmResult[] }>("/api/app/payments/bulk-confirm", { paymentIds }),
    onSuccess: ({ results }) => {
      const n = (o: BulkConfirmResult["outcome"]) => results.filter((r) => r.outcome === o).length;
      const failures = results.flatMap((r) => (r.outcome === "failed" ? [errorText(r.error)] : []));
      setResult([tp("bulkResult", { confirmed: n("confirmed"), already: n("already_matched"), failed: n("failed") }), ...failures].join(" · "));
      setSelected(new Set(results.filter((r) => r.outcome === "failed").map((r) => r.paymentId)));
      return refresh();
    },
    onError: (err) => setResult(errorText(err, { fallback: p.loadFailed })),
  });
  const ignoreBulk = useMutation({
    mutationFn: ({ paymentIds, reason }: { paymentIds: string[]; reason: string }) =>
      appFetch<{ results: BulkIgnoreResult[] }>("/api/app/payments/bulk-ignore", { paymentIds, reason }),
    onSuccess: ({ results }) => {
      const failed = results.filter((r) => r.outcome === "failed");
      const failures = failed.map((r) => errorText(r.error));
      setResult([tp("bulkIgnoreResult", { ignored: results.length - failed.length, failed: failed.length }), ...failures].join(" · "));
      setSelected(new Set(failed.map((r) => r.paymentId)));
      return refresh();
    },
    onError: (err) => setResult(errorText(err, { fallback: p.loadFailed })),
  });
  const selectable = canMatch && view === "pending";
  // Only rows on this page count: a selection is not carried to rows the person no longer sees.
  const chosen = rows.filter((r) => selected.has(r.paymentId));
  const toConfirm = chosen.filter(isConfirmable).map((r) => r.paymentId);
  const ignorable = chosen.filter(isPending);
  const toIgnore = ignorable.map((r) => r.paymentId);
  const pageSelectable = rows.filter(isPending);
  const allOnPage = pageSelectable.length > 0 && pageSelectable.every((r) => selected.has(r.paymentId));
  const grid = selectable ? CARD_GRID.select : CARD_GRID.plain;
  const pc = t.paymentsCard;
  const toggle = (paymentId: string) =>
    setSelected((all) => {
      const next = new Set(all);
      if (!next.delete(paymentId)) next.add(paymentId);
      return next;
    });
  const moveTo = (index: number) => {
    if (rows.length === 0) return;
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    document.getElementById(rowId(rows[next].paymentId))?.focus();
  };
  useWorkbenchKeys((action: WorkbenchKey) => {
    if (help) return action === "help" || action === "close" ? setHelp(false) : undefined;
    const row = active === null ? undefined : rows[active];
    if (action === "help") return setHelp(true);
    if (action === "next") return moveTo(active === null ? 0 : active + 1);
    if (action === "previous") return moveTo(active === null ? 0 : active - 1);
    if (!row) return;
    if (action === "open") return router.push(`/payments/${row.paymentId}`);
    if (action === "toggle") return selectable && isPending(row) ? toggle(row.paymentId) : undefined;
    if (!canMatch || row.status !== "suggested" || decide.isPending) return;
    // Confirming a closed order's suggestion reopens the order: that is decided on the payment's page, where it is said.
    if (action === "confirm" && topIsClosed(row)) return router.push(`/payments/${row.paymentId}`);
    if (action === "confirm") decide.mutate({ paymentId: row.paymentId, path: "confirm" });
    if (action === "reject") decide.mutate({ paymentId: row.paymentId, path: "reject" });
  });
  // The tabs and the filter form keep the import the list is narrowed to; the banner's link drops it.
  const kept: Record<string, string> = statement ? { statementId: statement.id } : {};
  const setView = (next: View) => router.push(listHref({ ...kept, view: next === "all" ? "all" : undefined }));
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
      {statement ? (
        <p role="status" data-testid="payments-statement" className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-teal-200 bg-teal-50 px-4 py-2.5 text-sm text-teal-900">
          <span>
            {tp("fromImport", {
              time: formatZoned(new Date(statement.createdAt), TIME_ZONE),
              account: statement.account ?? p.none,
              format: labelOf(t.imports.statementFormats, statement.format),
            })}
          </span>
          <Link href={listHref({ ...values, statementId: undefined, cursor: undefined })} className={textLink} data-testid="payments-statement-clear">
            {p.clearImport}
          </Link>
        </p>
      ) : null}
      <ListFilters
        action="/payments"
        values={values}
        keep={{ ...kept, view }}
        searchHint={p.searchHint}
        selects={[
          { name: "channel", label: p.channel, options: Object.entries(t.channels).map(([value, label]) => ({ value, label })) },
          { name: "status", label: p.status, options: STATUS_OPTIONS.map((value) => ({ value, label: labelOf(p.statusFilter, value) })) },
        ]}
      />
      {selectable ? (
        <BulkToolbar
          confirmable={toConfirm.length}
          ignorable={toIgnore.length}
          presetReason={sharedPreset(ignorable.map((r) => r.nonSaleWord), p.ignoreReasons)}
          busy={bulk.isPending || ignoreBulk.isPending}
          result={result}
          onSelectHigh={() => setSelected(new Set(rows.filter((r) => isConfirmable(r) && topConfidence(r) >= HIGH_CONFIDENCE).map((r) => r.paymentId)))}
          onConfirm={() => bulk.mutate(toConfirm)}
          onIgnore={(reason) => ignoreBulk.mutate({ paymentIds: toIgnore, reason })}
          onHelp={() => setHelp(true)}
        />
      ) : null}
      {!selectable && canMatch ? (
        // Without the bulk toolbar (the 全部 tab), a confirm from a card or the keyboard is reported here.
        <p role="status" aria-live="polite" data-testid="payments-result" className="text-sm text-slate-700 empty:hidden">
          {result}
        </p>
      ) : null}
      {help ? <ShortcutHelp onClose={() => setHelp(false)} /> : null}
      <section className={`overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm ${phoneCards}`}>
        {reversed ? (
          <p role="alert" data-testid="payments-invalid-range" className="px-4 py-8 text-center text-sm text-red-700">
            {p.invalidRange}
          </p>
        ) : query.isPending ? (
          <p className="px-4 py-8 text-center text-sm text-slate-500">{p.loading}</p>
        ) : query.isError ? (
          <p role="alert" data-testid="payments-load-error" className="px-4 py-8 text-center text-sm text-red-700">
            {/* A hand-edited URL with a bad filter is a 400: the filters are at fault, not the page. */}
            {query.error instanceof AppApiError && query.error.status === 400 ? p.invalidFilter : errorText(query.error, { fallback: p.loadFailed })}
          </p>
        ) : rows.length === 0 ? (
          <p data-testid="payments-empty" className="px-4 py-8 text-center text-sm text-slate-500">
            {filtered ? p.emptyFiltered : view === "pending" ? p.empty : p.emptyAll}
          </p>
        ) : (
          <DataTable
            data-testid="payments-table" aria-keyshortcuts={`${WORKBENCH_KEYS.next} ${WORKBENCH_KEYS.previous}`}
            columns={[
              ...(selectable
                ? [
                    {
                      key: "select",
                      label: (
                        <input
                          type="checkbox"
                          checked={allOnPage}
                          disabled={pageSelectable.length === 0}
                          onChange={() => setSelected(allOnPage ? new Set() : new Set(pageSelectable.map((r) => r.paymentId)))}
                          aria-label={p.selectPage}
                          data-testid="payments-select-page"
                          className={`size-4 accent-teal-700 ${focusRing}`}
                        />
                      ),
                      className: "w-10",
                    },
                  ]
                : []),
              { label: p.time },
              { label: p.channel },
              { label: p.amount, align: "right" },
              { label: p.payer },
              { label: p.memo },
              { label: p.status },
              { label: p.suggestion },
            ]}
          >
            {rows.map((row, i) => {
              const top = topSuggestion(row);
              const action = topAction(row, canMatch);
              const deciding = decide.isPending && decide.variables?.paymentId === row.paymentId;
              return (
                <tr
                  key={row.paymentId}
                  data-testid={`payments-row-${row.paymentId}`}
                  data-active={active === i}
                  className={`hover:bg-slate-50/60 ${cardRow} ${grid.row} ${active === i ? "bg-teal-50/70 outline-2 -outline-offset-2 outline-teal-600" : ""}`}
                >
                  {selectable ? (
                    <td className={`${td} ${cardCell} w-10 max-md:col-start-1 max-md:row-start-1 max-md:w-auto`}>
                      {isPending(row) ? (
                        <input
                          type="checkbox"
                          checked={selected.has(row.paymentId)}
                          onChange={() => toggle(row.paymentId)}
                          aria-label={p.selectRow}
                          aria-keyshortcuts={WORKBENCH_KEYS.toggle}
                          data-testid={`payments-select-${row.paymentId}`}
                          className={`size-4 accent-teal-700 max-md:size-5 max-md:align-middle ${focusRing}`}
                        />
                      ) : null}
                    </td>
                  ) : null}
                  <td className={`${td} ${cardCell} ${grid.main} whitespace-nowrap tabular-nums max-md:row-start-2 max-md:text-xs`}>
                    <Link
                      id={rowId(row.paymentId)}
                      onFocus={() => setActive(i)}
                      aria-keyshortcuts={WORKBENCH_KEYS.open}
                      href={`/payments/${row.paymentId}`}
                      data-testid={`payments-link-${row.paymentId}`}
                      className={textLink}
                    >
                      <time dateTime={row.receivedAt}>{formatZoned(new Date(row.receivedAt), TIME_ZONE)}</time>
                    </Link>
                  </td>
                  <td className={`${td} ${cardCell} ${grid.side} whitespace-nowrap max-md:row-start-2 max-md:justify-self-end max-md:text-xs max-md:text-slate-500`}>
                    {labelOf(t.channels, row.channel)}
                  </td>
                  <td
                    className={`${td} ${cardCell} ${grid.main} text-right font-medium tabular-nums text-slate-900 max-md:row-start-1 max-md:text-left max-md:text-base max-md:font-semibold`}
                  >
                    {formatMoney(row.amount, row.currency, locale)}
                    <span className="ml-1.5 text-xs font-normal text-slate-500 md:hidden">{(row.currency || "CNY").toUpperCase()}</span>
                  </td>
                  <td data-label={p.payer} className={`${td} ${cardCell} ${grid.wide} ${labeled} whitespace-nowrap text-slate-700 max-md:row-start-3 max-md:whitespace-normal`}>
                    <span className="max-md:min-w-0 max-md:text-right max-md:break-words">{row.payerName ?? p.none}</span>
                  </td>
                  <td
                    data-label={p.memo}
                    className={`${td} ${cardCell} ${grid.wide} max-w-64 truncate text-slate-700 max-md:row-start-4 max-md:max-w-none ${row.memo ? labeled : "max-md:hidden"}`}
                    title={row.memo ?? undefined}
                  >
                    <span className="max-md:min-w-0 max-md:truncate">{row.memo ?? p.none}</span>
                  </td>
                  <td className={`${td} ${cardCell} ${grid.side} max-md:row-start-1 max-md:justify-self-end`}>
                    <PaymentStatusBadge status={row.status} label={labelOf(t.paymentStatus, row.status)} />
                  </td>
                  <td
                    data-label={p.suggestion}
                    className={`${td} ${cardCell} ${grid.wide} ${labeledAbove} whitespace-nowrap text-slate-700 max-md:row-start-5 max-md:whitespace-normal`}
                    data-testid={`payments-suggestion-${row.paymentId}`}
                  >
                    <span className="max-md:flex max-md:items-center max-md:justify-between max-md:gap-3">
                      <span className="max-md:min-w-0 max-md:break-words">
                        {row.allocations.length > 0
                          ? row.allocations.map((a, k) => (
                              <span key={a.reference}>
                                {k > 0 ? ", " : null}
                                <Link href={`/orders/${a.reference}`} className={textLink}>
                                  {a.orderNo}
                                </Link>
                              </span>
                            ))
                          : top
                            ? describeTop(top, p.closedOrder)
                            : row.ignored
                              ? tp("ignoredBanner", { reason: localizeKnown(row.ignored.reason, locale) })
                              : p.none}
                      </span>
                      {/* On a phone the top suggestion is confirmed from its card; on a wider screen with the c key or on its page. */}
                      {action === "confirm" && top ? (
                        <button
                          type="button"
                          onClick={() => decide.mutate({ paymentId: row.paymentId, path: "confirm" })}
                          disabled={decide.isPending}
                          aria-label={tc("confirmLabel", { references: top.references.join(", ") })}
                          data-testid={`payments-confirm-${row.paymentId}`}
                          className={`${cardButton} bg-teal-700 text-white hover:bg-teal-800 disabled:cursor-not-allowed disabled:opacity-50`}
                        >
                          {deciding ? p.working : p.confirm}
                        </button>
                      ) : action === "review" && top ? (
                        <Link
                          href={`/payments/${row.paymentId}`}
                          aria-label={tc("reviewLabel", { references: top.references.join(", ") })}
                          data-testid={`payments-review-${row.paymentId}`}
                          className={`${cardButton} text-teal-800 ring-1 ring-inset ring-teal-700/40 hover:bg-teal-50`}
                        >
                          {pc.review}
                        </Link>
                      ) : null}
                    </span>
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </section>
      <PageLinks action="/payments" values={values} nextCursor={query.data?.nextCursor ?? null} />
    </div>
  );
}
