"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import Link from "next/link";
import { useEffect, useState, type ReactNode } from "react";
import { FundChart } from "@/components/board/fund-chart";
import { ReportControl } from "@/components/board/report-control";
import { focusRing, textLink } from "@/components/payments/app-api";
import { OrderStatusBadge, PaymentStatusBadge } from "@/components/ui/status-badge";
import { formatZoned } from "@/lib/core/time";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { labelOf } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import { BOARD_PERIODS, type Board, type BoardPeriod } from "@/lib/services/board";

const POLL_MS = 3_000;

class SignedOutError extends Error {}

async function fetchBoard(): Promise<Board> {
  const res = await fetch("/api/board", { cache: "no-store", headers: { accept: "application/json" } });
  if (res.status === 401) throw new SignedOutError("signed out");
  if (!res.ok) throw new Error(`GET /api/board answered ${res.status}`);
  return (await res.json()) as Board;
}

/** "HH:mm:ss" in the merchant's zone; built from formatZoned so server and browser render the same text. */
function clock(at: Date, timeZone: string): string {
  return `${formatZoned(at, timeZone).slice(11)}:${String(at.getUTCSeconds()).padStart(2, "0")}`;
}

// One table markup for every width: below md each row turns into a stacked card whose cells
// print their column name from data-label, so test ids and screen-reader order stay unique.
const tableClass = "w-full text-sm max-md:block";
const theadClass = "bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-500 max-md:hidden";
const tbodyClass = "divide-y divide-slate-100 max-md:block";
const trClass = "max-md:block max-md:px-4 max-md:py-3 md:hover:bg-slate-50/60";
const thClass = "px-4 py-2.5 font-medium";
const tdClass =
  "px-4 py-3 align-middle max-md:flex max-md:items-center max-md:justify-between max-md:gap-4 max-md:px-0 max-md:py-1 max-md:before:text-xs max-md:before:text-slate-500 max-md:before:content-[attr(data-label)]";
const numClass = "tabular-nums md:text-right";
const sumCell = "whitespace-nowrap px-3 py-2.5 md:px-5";
// Below md the summary's cells take the card layout of tdClass; the row's heading becomes the card's title.
const sumCard =
  "max-md:flex max-md:items-center max-md:justify-between max-md:gap-4 max-md:px-0 max-md:py-1 max-md:before:text-xs max-md:before:font-normal max-md:before:text-slate-500 max-md:before:content-[attr(data-label)]";
const sumRowHead = "max-md:block max-md:px-0 max-md:pb-1 max-md:pt-0";

const percent = (rate: number) => `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;

/** The payments list filtered to what a board figure counts; dates are merchant-zone days, both ends inclusive. */
function paymentsHref(filter: { channel?: string; from?: string; to?: string; status?: string }): string {
  // Pending is the workbench's own tab; every other figure is a slice of all payments.
  const q = new URLSearchParams(filter.status === "pending" ? {} : { view: "all" });
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, v);
  return `/payments?${q.toString()}`;
}

/**
 * A recent payment as the board shows it: in its own currency, with the orders it was allocated to (a
 * bank transfer matched through its memo echoes no reference of its own).
 */
type RecentPayment = Board["recentPayments"][number];

/** The payment's orders as links, as the payments list shows them; else the reference the channel echoed. */
function PaymentReferences({ payment, none }: { payment: RecentPayment; none: string }) {
  const refs = payment.orderReferences;
  if (refs.length === 0) return <>{payment.reference ?? none}</>;
  return (
    <span className="flex flex-wrap justify-end gap-x-2 md:justify-start">
      {refs.map((ref) => (
        <Link key={ref} href={`/orders/${ref}`} className={textLink}>
          {ref}
        </Link>
      ))}
    </span>
  );
}

export function LiveBoard({ initialData }: { initialData: Board }) {
  const { messages: t, locale } = useI18n();
  const query = useQuery({
    queryKey: ["board"],
    queryFn: fetchBoard,
    initialData,
    initialDataUpdatedAt: Date.parse(initialData.generatedAt),
    refetchInterval: POLL_MS,
    // A board left open in a background tab need not poll; focus triggers a refetch anyway.
    refetchIntervalInBackground: false,
    retry: (failures, err) => !(err instanceof SignedOutError) && failures < 1,
  });
  const router = useRouter();
  const signedOut = query.error instanceof SignedOutError;
  useEffect(() => {
    // The 8-hour session ran out while the board was open: back to sign-in rather than stale figures.
    if (signedOut) router.replace("/login");
  }, [signedOut, router]);
  const board = query.data;
  const tz = board.timeZone;
  const when = (iso: string) => formatZoned(new Date(iso), tz);
  const b = t.board;
  const tb = useTranslations("board");
  const [period, setPeriod] = useState<BoardPeriod>("today");
  const fig = board.periods[period];
  // The board's money is in the merchant's currency; receipts in others are listed apart, never added in.
  const money = (minor: number) => formatMoney(minor, board.currency, locale);
  const refund = (minor: number) => (minor ? `-${money(minor)}` : money(0));
  const others = (list: { currency: string; amount: number }[]) => list.map((o) => formatMoney(o.amount, o.currency, locale)).join(" · ");

  return (
    <div className="space-y-6 sm:space-y-8">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <p className="text-sm font-medium text-teal-700">{b.heading}</p>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight text-slate-900">{board.merchantName || b.heading}</h1>
          <p className="mt-1 text-sm text-slate-500">{tb("todaySince", { from: when(fig.from), tz: labelOf(t.timeZones, tz) })}</p>
        </div>
        <div className="flex flex-col-reverse gap-3 sm:flex-row sm:items-center">
          <LiveIndicator
            failing={query.isRefetchError}
            label={query.isRefetchError ? b.reconnecting : `${b.live} · ${tb("updatedAt", { time: clock(new Date(query.dataUpdatedAt), tz) })}`}
          />
          <ReportControl timeZone={tz} />
        </div>
      </div>

      <section aria-labelledby="today-heading" className="space-y-4">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <h2 id="today-heading" className="text-base font-semibold text-slate-900">
            {b.periodHeadings[period]}
          </h2>
          <div role="group" aria-label={b.periodSwitch} className="inline-flex self-start rounded-lg bg-slate-100 p-1">
            {BOARD_PERIODS.map((id) => (
              <button
                key={id}
                type="button"
                aria-pressed={period === id}
                data-testid={`board-period-${id}`}
                onClick={() => setPeriod(id)}
                className={`rounded-md px-3 py-1.5 text-sm font-medium ${focusRing} ${
                  period === id ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"
                }`}
              >
                {b.periods[id]}
              </button>
            ))}
          </div>
        </div>
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-6">
          <Stat label={b.netLabels[period]} href={paymentsHref({ from: fig.fromDate, to: fig.toDate })} emphasis className="col-span-2 lg:col-span-2">
            <span data-testid="board-total-net">{money(fig.totals.netAmount)}</span>
            <Sub>
              <span data-testid="board-total-count">{tb("paymentsCount", { count: fig.totals.count })}</span>
              {fig.otherCurrencies.length > 0 ? (
                <span data-testid="board-other-currencies" className="block">
                  {tb("otherCurrencies", { amounts: others(fig.otherCurrencies.map((o) => ({ currency: o.currency, amount: o.netAmount }))) })}
                </span>
              ) : null}
            </Sub>
          </Stat>
          <Stat label={b.gross} href={paymentsHref({ from: fig.fromDate, to: fig.toDate })}>
            <span data-testid="board-total-gross">{money(fig.totals.grossAmount)}</span>
          </Stat>
          <Stat label={b.refunds} href={paymentsHref({ from: fig.fromDate, to: fig.toDate })}>
            <span data-testid="board-total-refunds">{money(fig.totals.refundedAmount)}</span>
          </Stat>
          <Stat label={b.matchRate} href={paymentsHref({ from: fig.fromDate, to: fig.toDate, status: "matched" })} className="col-span-2 lg:col-span-2">
            <span data-testid="board-match-rate">{fig.matchRate.rate === null ? b.none : percent(fig.matchRate.rate)}</span>
            <Sub>{tb("matchRateDetail", { matched: fig.matchRate.matched, total: fig.matchRate.total })}</Sub>
          </Stat>
          <Stat label={b.pending} href={paymentsHref({ status: "pending" })} warn={board.pending.count > 0} className="col-span-2 lg:col-span-3">
            <span data-testid="board-pending-count">{board.pending.count}</span>
            <Sub>
              <span data-testid="board-pending-amount">{tb("pendingAmount", { amount: money(board.pending.amount) })}</span>
              {board.pending.otherCurrencies.length > 0 ? (
                <span data-testid="board-pending-other-currencies" className="block">
                  {tb("pendingOtherCurrencies", { amounts: others(board.pending.otherCurrencies) })}
                </span>
              ) : null}
              <span className="block opacity-80">{b.pendingHint}</span>
            </Sub>
          </Stat>
          <Stat label={b.anomalies} href="/anomalies" warn={board.anomalies.high > 0} className="col-span-2 lg:col-span-3">
            <span data-testid="board-anomalies-open">{board.anomalies.open}</span>
            <Sub>
              <span data-testid="board-anomalies-high">{tb("anomaliesBySeverity", { high: board.anomalies.high, medium: board.anomalies.medium, low: board.anomalies.low })}</span>
            </Sub>
          </Stat>
        </div>

        <Panel title={b.byChannel} titleId="channel-heading">
          {fig.channels.length === 0 ? (
            <Empty>{b.noPaymentsInPeriod[period]}</Empty>
          ) : (
            // A grid from md up; below it each channel (and the total) is a card of label–value lines, like the
            // lists further down, so no figure is cut off or needs sideways scrolling on a phone.
            <table className={tableClass} aria-labelledby="channel-heading">
              <thead className="bg-slate-50 text-left text-xs font-medium text-slate-500 max-md:hidden">
                <tr>
                  <th scope="col" className={sumCell}>{b.channel}</th>
                  <th scope="col" className={`${sumCell} text-right`}>{b.count}</th>
                  <th scope="col" className={`${sumCell} text-right`}>{b.gross}</th>
                  <th scope="col" className={`${sumCell} text-right`}>{b.refunds}</th>
                  <th scope="col" className={`${sumCell} text-right`}>{b.net}</th>
                </tr>
              </thead>
              <tbody className={tbodyClass}>
                {fig.channels.map((c) => (
                  <tr key={c.channel} className={trClass} data-testid={`channel-row-${c.channel}`}>
                    <th scope="row" className={`${sumCell} ${sumRowHead} text-left font-medium text-slate-900`}>
                      <Link
                        href={paymentsHref({ channel: c.channel, from: fig.fromDate, to: fig.toDate })}
                        data-testid={`channel-link-${c.channel}`}
                        className={textLink}
                      >
                        {labelOf(t.channels, c.channel)}
                      </Link>
                    </th>
                    <td data-label={b.count} className={`${sumCell} ${sumCard} ${numClass}`}>{c.count}</td>
                    <td data-label={b.gross} className={`${sumCell} ${sumCard} ${numClass}`}>{money(c.grossAmount)}</td>
                    <td data-label={b.refunds} className={`${sumCell} ${sumCard} ${numClass} text-slate-600`}>{refund(c.refundedAmount)}</td>
                    <td data-label={b.net} className={`${sumCell} ${sumCard} ${numClass} font-semibold text-slate-900`}>{money(c.netAmount)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot className="border-t border-slate-200 bg-slate-50/70 font-semibold text-slate-900 max-md:block">
                <tr className={trClass}>
                  <th scope="row" className={`${sumCell} ${sumRowHead} text-left`}>{b.total}</th>
                  <td data-label={b.count} className={`${sumCell} ${sumCard} ${numClass}`}>{fig.totals.count}</td>
                  <td data-label={b.gross} className={`${sumCell} ${sumCard} ${numClass}`}>{money(fig.totals.grossAmount)}</td>
                  <td data-label={b.refunds} className={`${sumCell} ${sumCard} ${numClass}`}>{refund(fig.totals.refundedAmount)}</td>
                  <td data-label={b.net} className={`${sumCell} ${sumCard} ${numClass}`}>{money(fig.totals.netAmount)}</td>
                </tr>
              </tfoot>
            </table>
          )}
        </Panel>

        <Panel title={b.fundSummary} titleId="fund-heading">
          <FundChart daily={board.daily} days={period === "30d" ? 30 : 7} currency={board.currency} />
        </Panel>
      </section>

      <Panel title={b.recentPayments} titleId="payments-heading">
        {board.recentPayments.length === 0 ? (
          <Empty>{b.noPayments}</Empty>
        ) : (
          <table className={tableClass} aria-labelledby="payments-heading">
            <thead className={theadClass}>
              <tr>
                <th scope="col" className={thClass}>{b.time}</th>
                <th scope="col" className={thClass}>{b.channel}</th>
                <th scope="col" className={`${thClass} text-right`}>{b.amount}</th>
                <th scope="col" className={thClass}>{b.status}</th>
                <th scope="col" className={thClass}>{b.reference}</th>
              </tr>
            </thead>
            <tbody className={tbodyClass}>
              {board.recentPayments.map((p) => (
                <tr key={p.paymentId} className={trClass} data-testid={`payment-row-${p.paymentId}`}>
                  <td data-label={b.time} className={`${tdClass} whitespace-nowrap tabular-nums text-slate-600`}>
                    <time dateTime={p.receivedAt}>{when(p.receivedAt)}</time>
                  </td>
                  <td data-label={b.channel} className={tdClass}>{labelOf(t.channels, p.channel)}</td>
                  <td data-label={b.amount} className={`${tdClass} ${numClass} font-medium text-slate-900`}>{formatMoney(p.amount, p.currency, locale)}</td>
                  <td data-label={b.status} className={tdClass} data-testid={`payment-status-${p.paymentId}`}>
                    <PaymentStatusBadge status={p.status} label={labelOf(t.paymentStatus, p.status)} />
                  </td>
                  <td data-label={b.reference} className={`${tdClass} font-mono text-xs text-slate-700`} data-testid={`payment-reference-${p.paymentId}`}>
                    <PaymentReferences payment={p} none={b.none} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>

      <Panel title={b.recentOrders} titleId="orders-heading">
        {board.recentOrders.length === 0 ? (
          <Empty>{b.noOrders}</Empty>
        ) : (
          <table className={tableClass} aria-labelledby="orders-heading">
            <thead className={theadClass}>
              <tr>
                <th scope="col" className={thClass}>{b.reference}</th>
                <th scope="col" className={thClass}>{b.orderNo}</th>
                <th scope="col" className={`${thClass} text-right`}>{b.amount}</th>
                <th scope="col" className={`${thClass} text-right`}>{b.paid}</th>
                <th scope="col" className={thClass}>{b.status}</th>
                <th scope="col" className={thClass}>{b.createdAt}</th>
              </tr>
            </thead>
            <tbody className={tbodyClass}>
              {board.recentOrders.map((o) => (
                <tr key={o.orderId} className={trClass} data-testid={`order-row-${o.reference}`}>
                  <td data-label={b.reference} className={`${tdClass} font-mono text-xs font-medium text-slate-900`}>{o.reference}</td>
                  <td data-label={b.orderNo} className={`${tdClass} break-all text-slate-700`}>{o.orderNo}</td>
                  <td data-label={b.amount} className={`${tdClass} ${numClass} font-medium text-slate-900`}>{formatMoney(o.amount, o.currency, locale)}</td>
                  <td data-label={b.paid} className={`${tdClass} ${numClass} text-slate-700`}>{formatMoney(o.paidAmount, o.currency, locale)}</td>
                  <td data-label={b.status} className={tdClass} data-testid={`order-status-${o.reference}`}>
                    <OrderStatusBadge status={o.status} label={labelOf(t.orderStatus, o.status)} />
                  </td>
                  <td data-label={b.createdAt} className={`${tdClass} whitespace-nowrap tabular-nums text-slate-600`}>
                    <time dateTime={o.createdAt}>{when(o.createdAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}

function LiveIndicator({ failing, label }: { failing: boolean; label: string }) {
  return (
    <p
      role="status"
      aria-live="polite"
      data-testid="board-live"
      className={`inline-flex items-center gap-2 self-start rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset sm:self-auto ${
        failing ? "bg-amber-50 text-amber-800 ring-amber-600/30" : "bg-white text-slate-600 ring-slate-200"
      }`}
    >
      <span className="relative flex size-2" aria-hidden="true">
        {failing ? null : <span className="absolute inline-flex size-full animate-ping rounded-full bg-emerald-400 opacity-60 motion-reduce:hidden" />}
        <span className={`relative inline-flex size-2 rounded-full ${failing ? "bg-amber-500" : "bg-emerald-500"}`} />
      </span>
      {label}
    </p>
  );
}

function Stat({
  label,
  href,
  children,
  emphasis = false,
  warn = false,
  className = "",
}: {
  label: string;
  href: string;
  children: ReactNode;
  emphasis?: boolean;
  warn?: boolean;
  className?: string;
}) {
  const tone = emphasis
    ? "border-teal-700 bg-teal-700 text-white"
    : warn
      ? "border-amber-200 bg-amber-50 text-slate-900"
      : "border-slate-200 bg-white text-slate-900";
  return (
    // The whole card is the link to the list behind the figure: a large target on a phone.
    <Link href={href} className={`block rounded-xl border p-4 shadow-sm transition hover:shadow-md sm:p-5 ${focusRing} ${tone} ${className}`}>
      <p className={`text-sm ${emphasis ? "text-teal-50" : warn ? "text-amber-800" : "text-slate-500"}`}>{label}</p>
      <div className={`mt-1 font-semibold tabular-nums tracking-tight ${emphasis ? "text-3xl" : "text-2xl"} [&>span:first-child]:block`}>
        {children}
      </div>
    </Link>
  );
}

function Sub({ children }: { children: ReactNode }) {
  return <span className="mt-1 block text-xs font-normal tracking-normal opacity-80">{children}</span>;
}

function Panel({ title, titleId, children }: { title: string; titleId: string; children: ReactNode }) {
  return (
    <section aria-labelledby={titleId} className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      <h2 id={titleId} className="border-b border-slate-100 px-4 py-3 text-base font-semibold text-slate-900 sm:px-5">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Empty({ children }: { children: string }) {
  return <p className="px-4 py-8 text-center text-sm text-slate-500 sm:px-5">{children}</p>;
}
