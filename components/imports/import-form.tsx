"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { focusRing, textLink } from "@/components/payments/app-api";
import { inputClass, primaryButton } from "@/components/settings/section";
import { useErrorText } from "@/components/ui/use-error-text";
import { isApiErrorLike } from "@/lib/i18n/api-errors";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { describeRejectedLine } from "@/lib/i18n/import-reasons";
import { labelOf } from "@/lib/i18n/messages";

type Kind = "statement" | "orders";

interface Summary {
  /** The statement import's id (statements only): its payments are listed by it. */
  statementId?: string;
  imported: number;
  duplicates: number;
  /** Bill lines that confirmed payments a notify had recorded (counted among the duplicates too). */
  confirmed?: number;
  matched?: number;
  suggested?: number;
  unmatched?: number;
  rejected: { line: number; message: string }[];
  rejectedCount?: number;
}

const STATEMENT_FORMATS = ["auto", "cmb-csv", "icbc-csv", "camt053", "camt054", "mt940", "alipay-bill", "wechat-bill"];
const ORDER_FORMATS = ["taobao", "douyin"];

/**
 * Uploads with XMLHttpRequest rather than fetch: only XHR reports upload progress, which is what a
 * merchant watching a month-long statement go up needs to see.
 */
function upload(url: string, file: File, contentType: string, onProgress: (fraction: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("content-type", contentType);
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("network"));
    xhr.send(file);
  });
}

export function ImportForm({ accounts }: { accounts: { id: string; name: string; channel: string }[] }) {
  const { locale, messages: t } = useI18n();
  const m = t.imports;
  const ti = useTranslations("imports");
  const errorText = useErrorText();
  const [kind, setKind] = useState<Kind>("statement");
  const [statementFormat, setStatementFormat] = useState("auto");
  const [orderFormat, setOrderFormat] = useState("taobao");
  const [accountId, setAccountId] = useState(accounts.find((a) => a.channel === "bank")?.id ?? accounts[0]?.id ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState<"idle" | "uploading" | "processing">("idle");
  const [result, setResult] = useState<{ kind: Kind; summary: Summary } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const router = useRouter();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    setProgress(0);
    setPhase("uploading");
    const url =
      kind === "statement"
        ? `/api/app/statements?${new URLSearchParams({ channelAccountId: accountId, format: statementFormat })}`
        : `/api/app/orders/import?${new URLSearchParams({ format: orderFormat })}`;
    try {
      const res = await upload(url, file, kind === "statement" ? "application/octet-stream" : "text/csv", (f) => {
        setProgress(f);
        // Once the bytes are up the server parses and matches: say so instead of sitting at 100 %.
        if (f >= 1) setPhase("processing");
      });
      if (res.status >= 200 && res.status < 300) {
        setResult({ kind, summary: res.body as Summary });
        // The import history below the form is rendered on the server: fetch it again with this file in it.
        router.refresh();
      }
      else {
        // The contract's `{ error: { code, message } }` in the reader's words; a body without it (a proxy's page) by its status.
        const err = (res.body as { error?: unknown } | null)?.error;
        setError(isApiErrorLike(err) ? errorText({ ...err, status: res.status }) : ti("failedStatus", { status: res.status }));
      }
    } catch {
      setError(m.networkError);
    } finally {
      setPhase("idle");
      setProgress(null);
    }
  }

  const busy = phase !== "idle";
  const s = result?.summary;
  return (
    <div className="space-y-6">
      <form onSubmit={submit} className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5" data-testid="import-form">
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">{m.kind}</legend>
          <div className="mt-2 flex flex-wrap gap-4">
            {(["statement", "orders"] as const).map((k) => (
              <label key={k} className="flex items-center gap-2 text-sm text-slate-700">
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} className="size-4 accent-teal-700" data-testid={`import-kind-${k}`} />
                {m.kinds[k]}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="grid gap-3 md:grid-cols-3">
          {kind === "statement" ? (
            <>
              <label className="text-xs font-medium text-slate-600">
                {m.format}
                <select value={statementFormat} onChange={(e) => setStatementFormat(e.target.value)} className={`mt-1 ${inputClass}`} data-testid="import-format">
                  {STATEMENT_FORMATS.map((f) => (
                    <option key={f} value={f}>
                      {labelOf(m.statementFormats, f)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="text-xs font-medium text-slate-600">
                {m.account}
                <select required value={accountId} onChange={(e) => setAccountId(e.target.value)} className={`mt-1 ${inputClass}`} data-testid="import-account">
                  {accounts.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name} · {labelOf(t.channels, a.channel)}
                    </option>
                  ))}
                </select>
              </label>
            </>
          ) : (
            <label className="text-xs font-medium text-slate-600">
              {m.platform}
              <select value={orderFormat} onChange={(e) => setOrderFormat(e.target.value)} className={`mt-1 ${inputClass}`} data-testid="import-platform">
                {ORDER_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {labelOf(t.orders.sources, f)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="text-xs font-medium text-slate-600">
            {m.file}
            <input
              type="file"
              required
              accept=".csv,.txt,.xml,.sta,.mt940,.zip,.gz,.xlsx,.xls"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className={`mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm ${focusRing}`}
              data-testid="import-file"
            />
          </label>
        </div>
        {kind === "statement" && accounts.length === 0 ? <p className="text-sm text-amber-800">{m.noAccounts}</p> : null}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={busy || !file || (kind === "statement" && !accountId)} className={primaryButton} data-testid="import-submit">
            {busy ? m.uploading : m.submit}
          </button>
          {progress !== null ? (
            <div className="flex min-w-48 flex-1 items-center gap-2">
              <progress max={1} value={progress} aria-label={m.progress} className="h-2 w-full overflow-hidden rounded [&::-webkit-progress-bar]:bg-slate-100 [&::-webkit-progress-value]:bg-teal-600" data-testid="import-progress" />
              <span role="status" className="whitespace-nowrap text-xs tabular-nums text-slate-600">
                {phase === "processing" ? m.processing : `${Math.round(progress * 100)}%`}
              </span>
            </div>
          ) : null}
        </div>
        {error ? (
          <p role="alert" className="text-sm text-red-700" data-testid="import-error">
            {error}
          </p>
        ) : null}
      </form>

      {s && result ? (
        <section aria-labelledby="import-result-heading" className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="import-result">
          <h2 id="import-result-heading" className="border-b border-slate-100 px-4 py-3 text-base font-semibold text-slate-900 sm:px-5">
            {m.result}
          </h2>
          <dl className="grid grid-cols-2 gap-3 px-4 py-4 text-sm sm:grid-cols-3 sm:px-5 lg:grid-cols-6">
            <Figure label={m.imported} value={s.imported} id="imported" />
            <Figure label={m.duplicates} value={s.duplicates} id="duplicates" />
            {result.kind === "statement" ? (
              <>
                <Figure label={m.matched} value={s.matched ?? 0} id="matched" />
                <Figure label={m.suggested} value={s.suggested ?? 0} id="suggested" />
                <Figure label={m.unmatched} value={s.unmatched ?? 0} id="unmatched" />
                {(s.confirmed ?? 0) > 0 ? <Figure label={m.confirmed} value={s.confirmed ?? 0} id="confirmed" /> : null}
              </>
            ) : null}
            <Figure label={m.rejected} value={s.rejectedCount ?? s.rejected.length} id="rejected" />
          </dl>
          {s.rejected.length > 0 ? (
            <div className="border-t border-slate-100 px-4 py-3 sm:px-5">
              <h3 className="text-sm font-medium text-slate-900">{m.rejectedLines}</h3>
              <ul className="mt-2 space-y-1 text-sm text-slate-700" data-testid="import-rejected-lines">
                {s.rejected.map((r) => {
                  const reason = describeRejectedLine(r.message, { locale, messages: t });
                  return (
                    <li key={`${r.line}-${r.message}`}>
                      <span className="font-medium tabular-nums">{ti("line", { line: r.line })}</span> {reason.text}
                      {reason.detail ? <span className="ml-1 break-all font-mono text-xs text-slate-500">{reason.detail}</span> : null}
                    </li>
                  );
                })}
              </ul>
            </div>
          ) : null}
          <p className="flex flex-wrap gap-x-5 gap-y-1 border-t border-slate-100 px-4 py-3 text-sm sm:px-5">
            {result.kind === "orders" ? (
              <Link href="/orders" className={textLink}>
                {m.toOrders}
              </Link>
            ) : (
              <>
                {(s.suggested ?? 0) + (s.unmatched ?? 0) > 0 ? (
                  <Link href={`/payments${s.statementId ? `?statementId=${s.statementId}` : ""}`} className={textLink} data-testid="import-to-pending">
                    {m.toPayments}
                  </Link>
                ) : null}
                {s.statementId && s.imported + (s.confirmed ?? 0) > 0 ? (
                  <Link href={`/payments?view=all&statementId=${s.statementId}`} className={textLink} data-testid="import-to-payments">
                    {m.filePayments}
                  </Link>
                ) : null}
              </>
            )}
          </p>
        </section>
      ) : null}
    </div>
  );
}

function Figure({ label, value, id }: { label: string; value: number; id: string }) {
  return (
    <div className="rounded-lg bg-slate-50 px-3 py-2">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums text-slate-900" data-testid={`import-${id}`}>
        {value}
      </dd>
    </div>
  );
}
