"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { PayChannels } from "@/components/pay/pay-channels";
import { transferAmountOf, uniqueTailOf } from "@/components/pay/transfer-slip";
import { formatZoned } from "@/lib/core/time";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { labelOf, type Messages } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import type { PayStatus } from "@/lib/services/pay-page";

const POLL_MS = 1_500;
// Customers are in China whatever the server's zone; the pay page has no merchant zone to hand.
const DISPLAY_TZ = "Asia/Shanghai";
// Only these can still change because of a payment; every other status is final for the customer.
const AWAITING = new Set(["pending", "partially_paid"]);

async function fetchStatus(reference: string): Promise<PayStatus> {
  const res = await fetch(`/api/pay/${encodeURIComponent(reference)}`, { cache: "no-store", headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`GET /api/pay answered ${res.status}`);
  return (await res.json()) as PayStatus;
}

type Phase = "awaiting" | "paid" | "closed" | "refunded";

function phaseOf(status: string): Phase {
  if (AWAITING.has(status)) return "awaiting";
  if (status === "closed") return "closed";
  if (status === "refunded") return "refunded";
  return "paid";
}

function bodyText(status: string, t: Messages["pay"]): string {
  switch (status) {
    case "pending":
      return t.waiting;
    case "partially_paid":
      return t.partiallyPaidBody;
    case "overpaid":
      return t.overpaidBody;
    case "closed":
      return t.closedBody;
    case "refunded":
      return t.refundedBody;
    default:
      return t.paidBody;
  }
}

/** The order's live status; while it can still be paid, also how to pay it. `qrSvgs`: see PayChannels. */
export function PayStatusCard({ initialData, qrSvgs }: { initialData: PayStatus; qrSvgs: Record<string, string> }) {
  const { messages, locale } = useI18n();
  const t = messages.pay;
  const tp = useTranslations("pay");
  const query = useQuery({
    queryKey: ["pay", initialData.reference],
    queryFn: () => fetchStatus(initialData.reference),
    initialData,
    refetchInterval: (q) => (q.state.data && AWAITING.has(q.state.data.status) ? POLL_MS : false),
    // The customer often switches to the wallet app to pay; keep checking so the result is there on return.
    refetchIntervalInBackground: true,
  });
  const order = query.data;
  const phase = phaseOf(order.status);
  const statusLabel = labelOf(messages.orderStatus, order.status);
  const remaining = Math.max(order.amount - order.paidAmount, 0);

  return (
    <div className="overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm">
      <div
        role="status"
        aria-live="polite"
        className={`flex flex-col items-center px-6 pb-6 pt-8 text-center ${
          phase === "paid" ? "bg-emerald-50" : phase === "awaiting" ? "bg-amber-50/60" : "bg-slate-50"
        }`}
      >
        <h1 data-testid="pay-merchant" className="mb-5 text-base font-medium text-slate-700">
          <span className="sr-only">{t.merchant}: </span>
          {order.merchantName}
        </h1>
        <StatusIcon phase={phase} />
        <p
          data-testid="pay-status"
          className={`mt-4 font-semibold tracking-tight ${phase === "paid" ? "text-3xl text-emerald-800" : "text-2xl text-slate-900"}`}
        >
          {statusLabel}
        </p>
        <p className="mt-2 max-w-xs text-sm text-slate-600">{bodyText(order.status, t)}</p>
        {query.isRefetchError ? <p className="mt-2 text-xs text-amber-800">{t.offline}</p> : null}
      </div>

      <div className="border-t border-slate-100 px-6 py-6 text-center">
        <p className="text-sm text-slate-500">{t.amount}</p>
        <p data-testid="pay-amount" className="mt-1 text-4xl font-semibold tabular-nums tracking-tight text-slate-900">
          {formatMoney(order.amount, order.currency, locale)}
        </p>
        {order.status === "partially_paid" ? (
          <p className="mt-2 text-sm text-slate-600">
            {t.paidAmount} {formatMoney(order.paidAmount, order.currency, locale)} · {t.remaining}{" "}
            <span className="font-semibold text-slate-900">{formatMoney(remaining, order.currency, locale)}</span>
          </p>
        ) : null}
        {phase === "awaiting" && order.expiresAt ? (
          <p className="mt-2 text-xs text-slate-500">
            {tp("expiresAt", { time: formatZoned(new Date(order.expiresAt), DISPLAY_TZ) })}
          </p>
        ) : null}
      </div>

      {phase === "awaiting" ? (
        <PayChannels
          channels={order.channels}
          amount={transferAmountOf(order)}
          currency={order.currency}
          uniqueTail={uniqueTailOf(order)}
          returnUrl={order.returnUrl}
          qrSvgs={qrSvgs}
        />
      ) : null}

      <dl className="divide-y divide-slate-100 border-t border-slate-100 px-6 text-sm">
        <Row label={t.orderNo}>
          <span className="break-all">{order.orderNo}</span>
        </Row>
        {order.description ? <Row label={t.description}>{order.description}</Row> : null}
        <Row label={t.reference}>
          <span className="font-mono">{order.reference}</span>
        </Row>
        {order.paidAt && phase !== "awaiting" ? (
          <Row label={t.paidAt}>
            <time dateTime={order.paidAt}>{formatZoned(new Date(order.paidAt), DISPLAY_TZ)}</time>
          </Row>
        ) : null}
      </dl>

      {order.returnUrl ? (
        <div className="border-t border-slate-100 p-4">
          <a
            href={order.returnUrl}
            data-testid="pay-return"
            className="flex w-full items-center justify-center rounded-xl bg-teal-700 px-4 py-3 text-base font-semibold text-white shadow-sm hover:bg-teal-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
          >
            {t.returnToMerchant}
          </a>
        </div>
      ) : null}
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-start justify-between gap-6 py-3">
      <dt className="shrink-0 text-slate-500">{label}</dt>
      <dd className="text-right text-slate-900">{children}</dd>
    </div>
  );
}

function StatusIcon({ phase }: { phase: Phase }) {
  const ring =
    phase === "paid"
      ? "bg-emerald-600 text-white"
      : phase === "awaiting"
        ? "bg-amber-100 text-amber-700"
        : "bg-slate-200 text-slate-600";
  return (
    <span className={`flex size-16 items-center justify-center rounded-full ${ring}`} aria-hidden="true">
      <svg viewBox="0 0 24 24" className="size-8" fill="none" stroke="currentColor" strokeWidth="2.25" strokeLinecap="round" strokeLinejoin="round">
        {phase === "paid" ? <path d="m5 12.5 4.5 4.5L19 7.5" /> : null}
        {phase === "awaiting" ? (
          <>
            <circle cx="12" cy="12" r="8.5" />
            <path d="M12 7.5V12l3 2" />
          </>
        ) : null}
        {phase === "closed" ? <path d="M7 7l10 10M17 7 7 17" /> : null}
        {phase === "refunded" ? <path d="M9 14 4.5 9.5 9 5M4.5 9.5H15a4.5 4.5 0 0 1 0 9h-3" /> : null}
      </svg>
    </span>
  );
}
