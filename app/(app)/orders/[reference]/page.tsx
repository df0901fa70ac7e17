import Link from "next/link";
import type { ReactNode } from "react";
import { reasonText, systemNote, type ChangeContext } from "@/components/audit/changes";
import { focusRing, textLink } from "@/components/payments/app-api";
import { OrderStatusBadge } from "@/components/ui/status-badge";
import { requireUser } from "@/lib/auth/session";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { orNotFound } from "@/lib/http/page-not-found";
import { auditActionLabel, labelOf } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import { getLocale, getMessages, getTranslations } from "@/lib/i18n/server";
import { getOrderFundTrail, type OrderFundTrail, type TrailEvent } from "@/lib/services/order-trail";
import { DataTable } from "@/components/ui/data-table";

const TIME_ZONE = "Asia/Shanghai";
const when = (iso: string | null) => (iso ? formatZoned(new Date(iso), TIME_ZONE) : null);
const td = "whitespace-nowrap px-4 py-3 align-middle";

async function load(merchantId: string, reference: string): Promise<OrderFundTrail> {
  return orNotFound(getOrderFundTrail(await getDb(), merchantId, reference));
}

type TrailTranslator = Awaited<ReturnType<typeof getTranslations<"orders.trail">>>;

/**
 * One line of what an event changed, from the amounts, statuses and reasons its audit record carries,
 * in the UI language (a stored reason such as `expired` is a code, a refused refund's an English sentence).
 */
function eventDetail(e: TrailEvent, ctx: ChangeContext, tr: TrailTranslator): string | null {
  const t = ctx.messages;
  const after = e.after ?? {};
  const before = e.before ?? {};
  // An event that only took something away (an allocation, a write-off) recorded what it took in `before`.
  const recorded = e.after ?? before;
  const currency = typeof recorded.currency === "string" ? recorded.currency : null;
  const money = (fen: number) => formatMoney(fen, currency, ctx.locale);
  const parts: string[] = [];
  if (typeof recorded.amount === "number") parts.push(money(recorded.amount));
  if (typeof after.channel === "string") parts.push(labelOf(t.channels, after.channel));
  if (typeof recorded.method === "string") parts.push(labelOf(t.payments.methods, recorded.method));
  if (typeof recorded.cause === "string") parts.push(labelOf(t.writeOffCauses, recorded.cause));
  const status = (v: unknown) => (e.subjectType === "order" ? labelOf(t.orderStatus, String(v)) : labelOf(t.paymentStatus, String(v)));
  if (typeof after.status === "string" && e.subjectType !== "anomaly") {
    parts.push(typeof before.status === "string" ? tr("statusChange", { from: status(before.status), to: status(after.status) }) : status(after.status));
  }
  if (typeof after.paidAmount === "number") parts.push(tr("paidNow", { amount: money(after.paidAmount) }));
  if (typeof after.note === "string" && after.note) parts.push(systemNote(after.note, ctx.locale));
  if (typeof after.reason === "string" && after.reason) parts.push(reasonText(after.reason, ctx, currency));
  return parts.length ? parts.join(" · ") : null;
}

export default async function OrderPage({ params }: { params: Promise<{ reference: string }> }) {
  const [{ reference }, user, t, tr, locale] = await Promise.all([params, requireUser(), getMessages(), getTranslations("orders.trail"), getLocale()]);
  const ctx: ChangeContext = { messages: t, locale, timeZone: TIME_ZONE };
  const trail = await load(user.merchantId, reference);
  const o = t.orders;
  const order = trail.order;
  // Everything on an order's page is in its currency: its payments and refunds were allocated in it.
  const money = (minor: number) => formatMoney(minor, order.currency, locale);
  const actor = (e: TrailEvent) => {
    const kind = labelOf(t.auditLog.actorTypes, e.actor.type);
    return e.actor.name ? `${kind} · ${e.actor.name}` : kind;
  };
  return (
    <div className="space-y-6">
      <Link href="/orders" className={`rounded text-sm text-teal-700 hover:underline ${focusRing}`}>
        {o.back}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">
          {o.detailHeading} <span className="font-mono">{order.reference}</span>
        </h1>
        <span data-testid="order-status">
          <OrderStatusBadge status={order.status} label={labelOf(t.orderStatus, order.status)} />
        </span>
      </div>

      <Section title={o.summary} id="order-summary">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 px-4 py-4 text-sm sm:grid-cols-2 sm:px-5 lg:grid-cols-3">
          <Item label={o.orderNo}>{order.orderNo}</Item>
          <Item label={o.source}>{labelOf(o.sources, order.source)}</Item>
          <Item label={o.amount}>
            <span data-testid="order-amount">{money(order.amount)}</span>
          </Item>
          {/* The view's payableAmount is the amount itself unless checkout asked a unique amount. */}
          {order.payableAmount !== order.amount ? (
            <Item label={o.uniqueAmount}>
              <span data-testid="order-unique-amount">{money(order.payableAmount)}</span>
            </Item>
          ) : null}
          <Item label={o.paid}>
            <span data-testid="order-paid">{money(order.paidAmount)}</span>
          </Item>
          <Item label={o.refunded}>{money(order.refundedAmount)}</Item>
          {order.writtenOffAmount ? (
            <Item label={o.writtenOff}>
              <span data-testid="order-written-off">{money(order.writtenOffAmount)}</span>
              <span data-testid="order-write-off-causes" className="block text-xs text-slate-500">
                {order.writeOffs.map((w) => `${labelOf(t.writeOffCauses, w.cause)} ${money(w.amount)}`).join(" · ")}
              </span>
            </Item>
          ) : null}
          <Item label={o.customer}>{order.customerName ?? o.none}</Item>
          <Item label={o.createdAt}>{when(order.createdAt)}</Item>
          <Item label={o.paidAt}>{when(order.paidAt) ?? o.none}</Item>
          {order.description ? <Item label={o.description}>{order.description}</Item> : null}
        </dl>
      </Section>

      <Section title={o.payments} id="order-payments">
        {order.payments.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-500 sm:px-5">{o.noPayments}</p>
        ) : (
          <DataTable
            aria-labelledby="order-payments"
            columns={[
              { label: o.receivedAt },
              { label: o.channel },
              { label: o.paymentAmount, align: "right" },
              { label: o.allocated, align: "right" },
              { label: o.method },
            ]}
          >
            {order.payments.map((p) => (
              <tr key={p.paymentId} data-testid={`order-payment-${p.paymentId}`}>
                <td className={`${td} whitespace-nowrap tabular-nums`}>
                  <Link href={`/payments/${p.paymentId}`} className={textLink}>
                    <time dateTime={p.receivedAt}>{when(p.receivedAt)}</time>
                  </Link>
                </td>
                <td className={td}>{labelOf(t.channels, p.channel)}</td>
                <td className={`${td} text-right tabular-nums`}>{money(p.amount)}</td>
                <td className={`${td} text-right font-medium tabular-nums`}>{money(p.allocatedAmount)}</td>
                <td className={td}>{labelOf(t.payments.methods, p.matchMethod)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>

      {trail.removedPayments.length > 0 ? (
        <Section title={o.removedPayments} id="order-removed-payments">
          <ul className="divide-y divide-slate-100 text-sm">
            {trail.removedPayments.map((p) => (
              <li key={p.paymentId} data-testid={`order-removed-payment-${p.paymentId}`} className="flex flex-wrap justify-between gap-2 px-4 py-3 sm:px-5">
                <Link href={`/payments/${p.paymentId}`} className={`rounded tabular-nums text-teal-700 underline-offset-2 hover:underline ${focusRing}`}>
                  <time dateTime={p.receivedAt}>{when(p.receivedAt)}</time>
                </Link>
                <span>{labelOf(t.channels, p.channel)}</span>
                <span className="font-medium tabular-nums">{money(p.amount)}</span>
                <span className="text-slate-600">{labelOf(t.paymentStatus, p.status)}</span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      {trail.refunds.length > 0 ? (
        <Section title={o.refunds} id="order-refunds">
          <ul className="divide-y divide-slate-100 text-sm">
            {trail.refunds.map((r) => (
              <li key={r.refundId} className="flex flex-wrap justify-between gap-2 px-4 py-3 sm:px-5">
                <span className="tabular-nums text-slate-600">{when(r.refundedAt)}</span>
                <span>{labelOf(t.channels, r.channel)}</span>
                <span className="font-medium tabular-nums">-{money(r.amount)}</span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      {trail.anomalies.length > 0 ? (
        <Section title={o.anomalies} id="order-anomalies">
          <ul className="divide-y divide-slate-100 text-sm">
            {trail.anomalies.map((a) => (
              <li key={a.id} className="flex flex-wrap justify-between gap-2 px-4 py-3 sm:px-5">
                <span className="font-medium">{labelOf(t.anomalies.kinds, a.kind)}</span>
                <span>{labelOf(t.anomalies.severities, a.severity)}</span>
                <span className="tabular-nums text-slate-600">{when(a.detectedAt)}</span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      <Section title={o.trail.heading} id="fund-trail">
        <p className="px-4 pt-3 text-xs text-slate-500 sm:px-5">{o.trail.hint}</p>
        <ol className="space-y-0 px-4 py-4 sm:px-5" data-testid="fund-trail">
          {trail.events.map((e) => {
            const detail = eventDetail(e, ctx, tr);
            return (
              <li key={e.id} data-testid={`trail-${e.action}`} className="relative border-l-2 border-slate-200 pb-4 pl-4 last:pb-0">
                <span className="absolute -left-[5px] top-1.5 size-2 rounded-full bg-teal-600" aria-hidden="true" />
                <p className="text-sm font-medium text-slate-900">{auditActionLabel(t.auditLog.actions, e.action)}</p>
                {detail ? <p className="text-sm text-slate-700">{detail}</p> : null}
                <p className="text-xs text-slate-500">
                  <time dateTime={e.at} className="tabular-nums">{when(e.at)}</time> · {actor(e)}
                </p>
              </li>
            );
          })}
        </ol>
      </Section>
    </div>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      <h2 id={id} className="border-b border-slate-100 px-4 py-3 text-base font-semibold text-slate-900 sm:px-5">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-all text-slate-900">{children}</dd>
    </div>
  );
}
