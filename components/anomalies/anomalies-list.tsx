"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { appFetch, focusRing, textLink } from "@/components/payments/app-api";
import { useErrorText } from "@/components/ui/use-error-text";
import { formatZoned } from "@/lib/core/time";
import { useI18n } from "@/lib/i18n/client";
import { labelOf } from "@/lib/i18n/messages";
import type { AnomalyView } from "@/lib/services/anomaly-view";
import { DataTable } from "@/components/ui/data-table";

const TIME_ZONE = "Asia/Shanghai";
const KEY = ["app-anomalies"];
// Kinds about a channel account (its keys or certificates): fixed in 设置 › 收款渠道.
const ABOUT_AN_ACCOUNT = new Set(["credentials_expiring", "signature_failures"]);
const SEVERITY_TONES: Record<string, string> = {
  high: "bg-red-50 text-red-800 ring-red-600/25",
  medium: "bg-amber-50 text-amber-800 ring-amber-600/30",
  low: "bg-slate-100 text-slate-700 ring-slate-500/25",
};
const td = "px-4 py-3 align-top";

/** Open anomalies with a resolve-with-note action per row. */
export function AnomaliesList({ canResolve }: { canResolve: boolean }) {
  const { locale, messages: t } = useI18n();
  const a = t.anomalies;
  const query = useQuery({ queryKey: KEY, queryFn: () => appFetch<{ data: AnomalyView[] }>("/api/app/anomalies") });
  const [resolving, setResolving] = useState<string | null>(null);
  const rows = query.data?.data ?? [];

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{a.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{a.subheading}</p>
      </div>
      <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        {query.isPending ? (
          <p className="px-4 py-8 text-center text-sm text-slate-500">{t.payments.loading}</p>
        ) : query.isError ? (
          <p role="alert" className="px-4 py-8 text-center text-sm text-red-700">{t.payments.loadFailed}</p>
        ) : rows.length === 0 ? (
          <p data-testid="anomalies-empty" className="px-4 py-8 text-center text-sm text-slate-500">{a.empty}</p>
        ) : (
          <DataTable
            data-testid="anomalies-table"
            columns={[
              { label: a.kind },
              { label: a.severity },
              { label: a.message },
              { label: a.detectedAt },
              { label: a.action },
            ]}
          >
            {rows.map((row) => (
              <tr key={row.anomalyId} data-testid={`anomaly-row-${row.anomalyId}`}>
                <td className={`${td} whitespace-nowrap text-slate-900`}>{labelOf(a.kinds, row.kind)}</td>
                <td className={td}>
                  <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${SEVERITY_TONES[row.severity] ?? SEVERITY_TONES.low}`}>
                    {labelOf(a.severities, row.severity)}
                  </span>
                </td>
                <td className={`${td} text-slate-700`}>
                  {locale === "en" ? row.messageEn : row.message}
                  {row.reference || row.paymentId || ABOUT_AN_ACCOUNT.has(row.kind) ? (
                    <span className="mt-1 flex flex-wrap gap-3 text-xs">
                      {ABOUT_AN_ACCOUNT.has(row.kind) ? (
                        <Link href="/settings/channels" className={textLink} data-testid="anomaly-channel-link">
                          {a.toChannels}
                        </Link>
                      ) : null}
                      {row.reference ? (
                        <Link href={`/orders/${row.reference}`} className={textLink} data-testid="anomaly-order-link">
                          {a.toOrder}
                        </Link>
                      ) : null}
                      {row.paymentId ? (
                        <Link href={`/payments/${row.paymentId}`} className={textLink} data-testid="anomaly-payment-link">
                          {a.toPayment}
                        </Link>
                      ) : null}
                    </span>
                  ) : null}
                </td>
                <td className={`${td} whitespace-nowrap tabular-nums text-slate-600`}>
                  <time dateTime={row.detectedAt}>{formatZoned(new Date(row.detectedAt), TIME_ZONE)}</time>
                </td>
                <td className={`${td} min-w-64`}>
                  {!canResolve ? (
                    <span className="text-slate-400">—</span>
                  ) : resolving === row.anomalyId ? (
                    <ResolveForm anomalyId={row.anomalyId} onDone={() => setResolving(null)} />
                  ) : (
                    <button
                      type="button"
                      data-testid={`anomaly-resolve-${row.anomalyId}`}
                      onClick={() => setResolving(row.anomalyId)}
                      className={`rounded-md px-3 py-1.5 text-sm font-medium text-teal-800 ring-1 ring-inset ring-teal-600/30 hover:bg-teal-50 ${focusRing}`}
                    >
                      {a.resolve}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}

function ResolveForm({ anomalyId, onDone }: { anomalyId: string; onDone: () => void }) {
  const { messages: t } = useI18n();
  const a = t.anomalies;
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const resolve = useMutation({
    mutationFn: () => appFetch(`/api/app/anomalies/${anomalyId}/resolve`, { note }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: KEY });
      onDone();
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    resolve.mutate();
  }
  return (
    <form onSubmit={submit} className="space-y-2" data-testid={`anomaly-resolve-form-${anomalyId}`}>
      <label className="block text-xs text-slate-500">
        {a.note}
        <input
          autoFocus
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            if (resolve.isError) resolve.reset();
          }}
          placeholder={a.notePlaceholder}
          data-testid={`anomaly-note-${anomalyId}`}
          className={`mt-1 w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-900 ${focusRing}`}
        />
      </label>
      {resolve.error ? (
        <p role="alert" className="text-sm text-red-700">
          {errorText(resolve.error)}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={resolve.isPending}
          data-testid={`anomaly-submit-${anomalyId}`}
          className={`rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 disabled:opacity-50 ${focusRing}`}
        >
          {a.submit}
        </button>
        <button type="button" onClick={onDone} className={`rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100 ${focusRing}`}>
          {a.cancel}
        </button>
      </div>
    </form>
  );
}
