"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { appFetch, focusRing, textLink } from "@/components/payments/app-api";
import { closedReferences } from "@/components/payments/closed-suggestion";
import { IgnoreReasonFields, presetFor } from "@/components/payments/ignore-reason";
import { PaymentStatusBadge } from "@/components/ui/status-badge";
import { useErrorText } from "@/components/ui/use-error-text";
import { parseMajor, toMajorString } from "@/lib/core/money";
import { formatZoned } from "@/lib/core/time";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { localizeKnown } from "@/lib/i18n/known-texts";
import { labelOf, type Messages } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import type { getPaymentView } from "@/lib/services/payments";
import { DataTable } from "@/components/ui/data-table";

type BaseView = Awaited<ReturnType<typeof getPaymentView>>;
type Suggestion = NonNullable<BaseView["suggestions"]>[number] & { explanationZh: string };
type PaymentView = Omit<BaseView, "suggestions"> & { suggestions?: Suggestion[] };
type Action = { path: "confirm" | "reject" | "match" | "unmatch" | "ignore"; body: unknown };

const TIME_ZONE = "Asia/Shanghai";
const primaryButton = `rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-50 ${focusRing}`;
const secondaryButton = `rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-50 ${focusRing}`;
const input = `w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-900 ${focusRing}`;
const percent = (c: number | null) => (c === null ? null : `${Math.round(c * 100)}%`);

/** One payment with what a person can do about it: confirm or reject suggestions, match by hand, unmatch, ignore. */
export function PaymentDetail({ paymentId, canMatch }: { paymentId: string; canMatch: boolean }) {
  const { locale, messages: t } = useI18n();
  const p = t.payments;
  const tp = useTranslations("payments");
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const key = ["app-payment", paymentId];
  // The suggestion whose order is closed and whose confirmation waits for a second click.
  const [confirmingClosed, setConfirmingClosed] = useState<number | null>(null);
  const query = useQuery({ queryKey: key, queryFn: () => appFetch<PaymentView>(`/api/app/payments/${paymentId}`) });
  const action = useMutation({
    mutationFn: ({ path, body }: Action) => appFetch<BaseView>(`/api/app/payments/${paymentId}/${path}`, body),
    // Waiting for the refetch keeps the buttons disabled until the page shows the new state; a refusal
    // (a colleague decided first, the suggested order was paid meanwhile) refetches too, so the page
    // stops offering what can no longer be done.
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: key }), queryClient.invalidateQueries({ queryKey: ["app-payments"] })]),
  });

  const back = (
    <Link href="/payments" className={`rounded text-sm text-teal-700 hover:underline ${focusRing}`}>
      ← {p.back}
    </Link>
  );
  if (query.isPending) return <div className="space-y-4">{back}<p className="text-sm text-slate-500">{p.loading}</p></div>;
  if (query.isError) {
    return (
      <div className="space-y-4">
        {back}
        <p role="alert" data-testid="payment-load-error" className="text-sm text-red-700">
          {errorText(query.error, { fallback: p.loadFailed })}
        </p>
      </div>
    );
  }
  const v = query.data;
  const explanation = locale === "en" ? v.explanation : v.explanationZh;
  const run = (a: Action) => {
    setConfirmingClosed(null);
    action.mutate(a);
  };
  const busy = action.isPending;
  // A new attempt or new input makes the last server error stale: it goes, so it never sits above a newer problem.
  const clearError = () => {
    if (action.isError) action.reset();
  };
  const money = (minor: number) => formatMoney(minor, v.currency, locale);

  return (
    <div className="space-y-6">
      {back}
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">
          {p.detailHeading} <span data-testid="payment-amount" className="tabular-nums">{money(v.amount)}</span>
        </h1>
        <span data-testid="payment-status">
          <PaymentStatusBadge status={v.status} label={labelOf(t.paymentStatus, v.status)} />
        </span>
      </div>

      <Card title={p.detailHeading}>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 px-4 py-4 text-sm sm:grid-cols-2 sm:px-5">
          <Field label={p.channel}>{labelOf(t.channels, v.channel)}</Field>
          <Field label={p.time}>
            <time dateTime={v.receivedAt}>{formatZoned(new Date(v.receivedAt), TIME_ZONE)}</time>
          </Field>
          <Field label={p.payer}>{v.payerName ?? p.none}</Field>
          <Field label={p.payerAccount}>{v.payerAccount ?? p.none}</Field>
          <Field label={p.memo}>{v.memo ?? p.none}</Field>
          <Field label={p.transactionId}>{v.channelTransactionId}</Field>
          <Field label={p.origin}>
            {labelOf(p.origins, v.origin)}
            {v.statementId ? (
              <>
                {" · "}
                <Link href={`/payments?view=all&statementId=${v.statementId}`} className={textLink} data-testid="payment-statement">
                  {v.origin === "notify" ? p.confirmingBill : p.sameFile}
                </Link>
              </>
            ) : null}
          </Field>
          <Field label={p.matchMethod}>{v.matchMethod ? labelOf(p.methods, v.matchMethod) : p.none}</Field>
          <Field label={p.confidence}>{percent(v.confidence) ?? p.none}</Field>
          <div className="sm:col-span-2">
            <Field label={p.explanation}>
              <span data-testid="payment-explanation">{explanation ?? p.none}</span>
            </Field>
          </div>
        </dl>
      </Card>

      <Card title={p.allocations}>
        {v.allocations.length === 0 ? (
          <p data-testid="payment-no-allocations" className="px-4 py-6 text-sm text-slate-500 sm:px-5">{p.noAllocations}</p>
        ) : (
          <DataTable
            data-testid="payment-allocations"
            scroll={false}
            columns={[
              { label: p.reference, className: "sm:px-5" },
              { label: p.orderNo },
              { label: p.allocated, align: "right", className: "sm:px-5" },
            ]}
          >
            {v.allocations.map((a) => (
              <tr key={a.reference} data-testid={`allocation-${a.reference}`}>
                <td className="px-4 py-2.5 font-mono text-xs sm:px-5">
                  <Link href={`/orders/${a.reference}`} className={textLink} data-testid={`allocation-link-${a.reference}`}>
                    {a.reference}
                  </Link>
                </td>
                <td className="px-4 py-2.5 text-slate-700">{a.orderNo}</td>
                <td className="px-4 py-2.5 text-right tabular-nums text-slate-900 sm:px-5">{money(a.amount)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>

      {action.error ? (
        <p role="alert" data-testid="payment-action-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-inset ring-red-600/25">
          {errorText(action.error, { currency: v.currency })}
        </p>
      ) : null}

      {!canMatch ? (
        <p data-testid="payment-read-only" className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600 ring-1 ring-inset ring-slate-200">
          {t.roles.readOnly}
        </p>
      ) : null}

      {v.status === "suggested" && v.suggestions?.length ? (
        <Card title={p.suggestions}>
          <p className="px-4 pt-4 text-sm text-slate-500 sm:px-5">{p.suggestionsHint}</p>
          <ol className="divide-y divide-slate-100">
            {v.suggestions.map((s, i) => {
              // Confirming a closed order's suggestion reopens that order: said on the row, and asked once more.
              const closed = closedReferences(s);
              return (
                <li key={i} data-testid={`suggestion-${i}`} className="flex flex-wrap items-center gap-3 px-4 py-3 sm:px-5">
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-2 text-xs">
                      {/* What confirming allocates: a part payment or an overpayment takes another amount than the order's. */}
                      <span className="font-mono text-slate-900" data-testid={`suggestion-allocations-${i}`}>
                        {s.allocations?.length ? s.allocations.map((a) => `${a.reference} ${money(a.amount)}`).join(" + ") : s.references.join(" + ")}
                      </span>
                      {s.method ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-600">{labelOf(p.methods, s.method)}</span> : null}
                      {closed.length ? (
                        <span data-testid={`suggestion-closed-${i}`} className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900 ring-1 ring-inset ring-amber-600/30">
                          {p.closedOrder}
                        </span>
                      ) : null}
                    </p>
                    <p className="mt-0.5 text-sm text-slate-600">{locale === "en" ? s.explanation : s.explanationZh}</p>
                  </div>
                  <span className="tabular-nums text-sm text-slate-700">{percent(s.confidence)}</span>
                  {canMatch ? (
                    <button
                      type="button"
                      disabled={busy}
                      data-testid={`suggestion-confirm-${i}`}
                      aria-expanded={closed.length ? confirmingClosed === i : undefined}
                      onClick={() => {
                        clearError();
                        if (closed.length) setConfirmingClosed(confirmingClosed === i ? null : i);
                        else run({ path: "confirm", body: { index: i } });
                      }}
                      className={primaryButton}
                    >
                      {p.confirm}
                    </button>
                  ) : null}
                  {canMatch && confirmingClosed === i ? (
                    <div role="alert" data-testid={`suggestion-closed-confirm-${i}`} className="w-full rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/30">
                      <p>{tp("closedOrderHint", { references: closed.join(", ") })}</p>
                      <div className="mt-2 flex flex-wrap gap-2">
                        <button type="button" disabled={busy} data-testid={`suggestion-confirm-closed-${i}`} onClick={() => run({ path: "confirm", body: { index: i } })} className={primaryButton}>
                          {p.confirmClosed}
                        </button>
                        <button type="button" data-testid={`suggestion-confirm-cancel-${i}`} onClick={() => setConfirmingClosed(null)} className={secondaryButton}>
                          {p.cancel}
                        </button>
                      </div>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ol>
          {canMatch ? (
            <div className="border-t border-slate-100 px-4 py-3 sm:px-5">
              <button type="button" disabled={busy} data-testid="suggestions-reject" onClick={() => { clearError(); run({ path: "reject", body: {} }); }} className={secondaryButton}>
                {p.rejectAll}
              </button>
            </div>
          ) : null}
        </Card>
      ) : null}

      {canMatch && (v.status === "unmatched" || v.status === "suggested") ? (
        <ManualMatchForm messages={t} currency={v.currency} paymentAmount={v.amount} money={money} busy={busy} onEdit={clearError} onSubmit={(allocations) => run({ path: "match", body: { allocations } })} />
      ) : null}

      {/* Money partly refunded is still half a sale to place; money that went back whole may be set aside. */}
      {canMatch && (v.status === "unmatched" || v.status === "suggested") && (v.refundedAmount === 0 || v.refundedAmount >= v.amount) ? (
        <IgnoreForm messages={t} nonSaleWord={v.nonSaleWord} busy={busy} onEdit={clearError} onSubmit={(reason) => run({ path: "ignore", body: { reason } })} />
      ) : null}

      {v.status === "ignored" && v.ignored ? (
        <div data-testid="payment-ignored" className="space-y-3 rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-700 ring-1 ring-inset ring-slate-200">
          <p>{tp("ignoredBanner", { reason: localizeKnown(v.ignored.reason, locale) })}</p>
          {canMatch ? (
            <button type="button" disabled={busy} data-testid="payment-unignore" onClick={() => { clearError(); run({ path: "unmatch", body: {} }); }} className={secondaryButton}>
              {busy ? p.working : p.unignore}
            </button>
          ) : null}
        </div>
      ) : null}

      {canMatch && (v.status === "matched" || v.status === "partially_matched") ? (
        <div>
          <button type="button" disabled={busy} data-testid="payment-unmatch" onClick={() => { clearError(); run({ path: "unmatch", body: {} }); }} className={secondaryButton}>
            {busy ? p.working : p.unmatch}
          </button>
        </div>
      ) : null}
    </div>
  );
}

interface Row {
  key: number;
  reference: string;
  amount: string;
}

/** What a decision form on the page gets: the words, whether a request is on its way, and what to do with its input. */
interface DecisionFormProps<T> {
  messages: Messages;
  busy: boolean;
  /** New input or a new attempt: the last server error no longer applies. */
  onEdit: () => void;
  onSubmit: (value: T) => void;
}

/** Rows of (reference, yuan amount): one payment split across several orders, amounts parsed exactly to fen. */
function ManualMatchForm({
  messages: t,
  currency,
  paymentAmount,
  money,
  busy,
  onEdit,
  onSubmit,
}: DecisionFormProps<{ reference: string; amount: number }[]> & { currency: string; paymentAmount: number; money: (minor: number) => string }) {
  const p = t.payments;
  const tp = useTranslations("payments");
  const [rows, setRows] = useState<Row[]>([{ key: 0, reference: "", amount: "" }]);
  const [problem, setProblem] = useState<string | null>(null);
  const update = (key: number, patch: Partial<Row>) => {
    onEdit();
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };
  // A picked order fills the first empty row (or a new one) with its reference and what is still open on it.
  const pick = (o: MatchCandidate) => {
    onEdit();
    setRows((rs) => {
      const filled = { reference: o.reference, amount: toMajorString(o.openAmount, currency) };
      const empty = rs.find((r) => !r.reference.trim());
      return empty ? rs.map((r) => (r.key === empty.key ? { ...r, ...filled } : r)) : [...rs, { key: Math.max(...rs.map((x) => x.key)) + 1, ...filled }];
    });
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onEdit();
    const allocations: { reference: string; amount: number }[] = [];
    for (const [i, r] of rows.entries()) {
      if (!r.reference.trim()) return setProblem(tp("missingReference", { row: i + 1 }));
      let amount: number;
      try {
        amount = parseMajor(r.amount, currency);
      } catch {
        return setProblem(tp("invalidAmount", { row: i + 1 }));
      }
      if (amount <= 0) return setProblem(tp("invalidAmount", { row: i + 1 }));
      allocations.push({ reference: r.reference.trim(), amount });
    }
    setProblem(null);
    onSubmit(allocations);
  }

  return (
    <Card title={p.manualHeading}>
      <form onSubmit={submit} data-testid="manual-match-form" className="space-y-3 px-4 py-4 sm:px-5" noValidate>
        <p className="text-sm text-slate-500">{p.manualHint}</p>
        <OrderPicker messages={t} currency={currency} amount={paymentAmount} money={money} onPick={pick} />
        {rows.map((r, i) => (
          <div key={r.key} className="flex flex-wrap items-end gap-3" data-testid={`manual-row-${i}`}>
            <label className="min-w-48 flex-1 text-sm text-slate-700">
              <span className="mb-1 block text-xs text-slate-500">{p.rowReference}</span>
              <input
                className={`${input} font-mono`}
                value={r.reference}
                autoComplete="off"
                spellCheck={false}
                data-testid={`manual-reference-${i}`}
                onChange={(e) => update(r.key, { reference: e.target.value })}
              />
            </label>
            <label className="w-40 text-sm text-slate-700">
              <span className="mb-1 block text-xs text-slate-500">{currency === "CNY" ? p.rowAmount : tp("rowAmountIn", { currency })}</span>
              <input
                className={`${input} tabular-nums`}
                value={r.amount}
                inputMode="decimal"
                autoComplete="off"
                placeholder={toMajorString(0, currency)}
                data-testid={`manual-amount-${i}`}
                onChange={(e) => update(r.key, { amount: e.target.value })}
              />
            </label>
            {rows.length > 1 ? (
              <button
                type="button"
                aria-label={`${p.removeRow} ${i + 1}`}
                data-testid={`manual-remove-${i}`}
                onClick={() => {
                  onEdit();
                  setRows((rs) => rs.filter((x) => x.key !== r.key));
                }}
                className={secondaryButton}
              >
                {p.removeRow}
              </button>
            ) : null}
          </div>
        ))}
        {problem ? (
          <p role="alert" data-testid="manual-match-problem" className="text-sm text-red-700">
            {problem}
          </p>
        ) : null}
        <div className="flex flex-wrap gap-3 pt-1">
          <button
            type="button"
            data-testid="manual-add-row"
            onClick={() => setRows((rs) => [...rs, { key: Math.max(...rs.map((x) => x.key)) + 1, reference: "", amount: "" }])}
            className={secondaryButton}
          >
            {p.addRow}
          </button>
          <button type="submit" disabled={busy} data-testid="manual-submit" className={primaryButton}>
            {busy ? p.working : p.submitMatch}
          </button>
        </div>
      </form>
    </Card>
  );
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      <h2 className="border-b border-slate-100 px-4 py-3 text-base font-semibold text-slate-900 sm:px-5">{title}</h2>
      {children}
    </section>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-words text-slate-900">{children}</dd>
    </div>
  );
}

/**
 * Sets aside money that pays no order, with the reason (a preset or the person's own words). When the
 * memo says it is no sale (结息, 退款…), the form starts open with the matching reason chosen: one click.
 */
function IgnoreForm({ messages: t, nonSaleWord, busy, onEdit, onSubmit }: DecisionFormProps<string> & { nonSaleWord: string | null }) {
  const p = t.payments;
  const tp = useTranslations("payments");
  const [open, setOpen] = useState(nonSaleWord !== null);
  const [reason, setReason] = useState(() => presetFor(nonSaleWord, p.ignoreReasons));
  if (!open) {
    return (
      <div>
        <button type="button" data-testid="payment-ignore-open" aria-expanded={false} onClick={() => setOpen(true)} className={secondaryButton}>
          {p.ignore}
        </button>
      </div>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim()) onSubmit(reason.trim());
  };
  return (
    <Card title={p.ignoreHeading}>
      <form onSubmit={submit} className="space-y-3 px-4 py-4 sm:px-5" data-testid="payment-ignore-form">
        {nonSaleWord ? (
          <p className="text-sm text-amber-800" data-testid="payment-non-sale">
            {tp("nonSaleHint", { word: nonSaleWord })}
          </p>
        ) : null}
        <p className="text-sm text-slate-500">{p.ignoreHint}</p>
        <IgnoreReasonFields
          presets={p.ignoreReasons}
          label={p.ignoreReason}
          reason={reason}
          onChange={(next) => { onEdit(); setReason(next); }}
          inputTestId="payment-ignore-reason"
        />
        <div className="flex flex-wrap gap-2">
          <button type="submit" disabled={busy || !reason.trim()} data-testid="payment-ignore-submit" className={primaryButton}>
            {busy ? p.working : p.submitIgnore}
          </button>
          <button type="button" onClick={() => setOpen(false)} className={secondaryButton}>
            {p.cancel}
          </button>
        </div>
      </form>
    </Card>
  );
}

interface MatchCandidate {
  reference: string;
  orderNo: string;
  customerName: string | null;
  openAmount: number;
  status: string;
}

/** Finds the order a transfer pays by what a person knows of it — its number, the customer, the amount — and hands it to the form. */
function OrderPicker({
  messages: t,
  currency,
  amount,
  money,
  onPick,
}: {
  messages: Messages;
  currency: string;
  /** The payment's amount: orders with exactly that open come first. */
  amount: number;
  money: (minor: number) => string;
  onPick: (o: MatchCandidate) => void;
}) {
  const p = t.payments;
  const errorText = useErrorText();
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  // Asked once typing pauses, not at every key.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useQuery({
    queryKey: ["match-candidates", search, currency, amount],
    queryFn: () => appFetch<{ data: MatchCandidate[] }>(`/api/app/orders/candidates?${new URLSearchParams({ q: search, currency, amount: String(amount) })}`),
    enabled: search.length > 0,
  });
  return (
    <div className="rounded-md bg-slate-50 p-3 ring-1 ring-inset ring-slate-200">
      <label className="block text-sm text-slate-700">
        <span className="mb-1 block text-xs text-slate-500">{p.findOrder}</span>
        <input
          type="search"
          className={input}
          value={text}
          maxLength={64}
          autoComplete="off"
          placeholder={p.findOrderHint}
          data-testid="order-picker-search"
          onChange={(e) => setText(e.target.value)}
          // The picker sits inside the match form: Enter here searches, it never submits the match.
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              setSearch(text.trim());
            }
          }}
        />
      </label>
      {search && found.isError ? (
        <p role="alert" className="mt-2 text-sm text-red-700" data-testid="order-picker-error">
          {errorText(found.error)}
        </p>
      ) : null}
      {search && found.data ? (
        found.data.data.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500" data-testid="order-picker-empty">{p.noOrdersFound}</p>
        ) : (
          <ul aria-label={p.findOrder} className="mt-2 divide-y divide-slate-200 rounded-md bg-white ring-1 ring-inset ring-slate-200" data-testid="order-picker-results">
            {found.data.data.map((o) => (
              <li key={o.reference} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
                <span className="min-w-0 flex-1">
                  <span className="font-medium text-slate-900">{o.orderNo}</span>
                  <span className="ml-2 text-slate-500">{o.customerName ?? p.none}</span>
                  <span className="ml-2 font-mono text-xs text-slate-400">{o.reference}</span>
                </span>
                <span className="text-xs text-slate-500">{labelOf(t.orderStatus, o.status)}</span>
                <span className="tabular-nums text-slate-900">{money(o.openAmount)}</span>
                <button type="button" className={secondaryButton} aria-label={`${p.pick} ${o.orderNo}`} data-testid={`order-pick-${o.reference}`} onClick={() => onPick(o)}>
                  {p.pick}
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </div>
  );
}
