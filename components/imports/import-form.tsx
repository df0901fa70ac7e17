"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ImportResult, type FileOutcome, type ImportKind as Kind, type ImportSummary } from "@/components/imports/import-result";
import { focusRing } from "@/components/payments/app-api";
import { inputClass, primaryButton } from "@/components/settings/section";
import { useErrorText } from "@/components/ui/use-error-text";
import { isApiErrorLike } from "@/lib/i18n/api-errors";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { labelOf } from "@/lib/i18n/messages";

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
  const { messages: t } = useI18n();
  const m = t.imports;
  const ti = useTranslations("imports");
  const errorText = useErrorText();
  const [kind, setKind] = useState<Kind>("statement");
  const [statementFormat, setStatementFormat] = useState("auto");
  const [orderFormat, setOrderFormat] = useState("taobao");
  const [accountId, setAccountId] = useState(accounts.find((a) => a.channel === "bank")?.id ?? accounts[0]?.id ?? "");
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState<"idle" | "uploading" | "processing">("idle");
  /** Which of several files is going up (1-based), for the status line. */
  const [current, setCurrent] = useState<{ index: number; name: string } | null>(null);
  const [result, setResult] = useState<{ kind: Kind; outcomes: FileOutcome[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const router = useRouter();

  /** Uploads one file as its own import: its summary, or the reason it was not imported in the reader's words. */
  async function importOne(file: File, onProgress: (fraction: number) => void): Promise<FileOutcome> {
    const url =
      kind === "statement"
        ? `/api/app/statements?${new URLSearchParams({ channelAccountId: accountId, format: statementFormat })}`
        : `/api/app/orders/import?${new URLSearchParams({ format: orderFormat })}`;
    try {
      const res = await upload(url, file, kind === "statement" ? "application/octet-stream" : "text/csv", onProgress);
      if (res.status >= 200 && res.status < 300) return { name: file.name, summary: res.body as ImportSummary };
      // The contract's `{ error: { code, message } }` in the reader's words; a body without it (a proxy's page) by its status.
      const err = (res.body as { error?: unknown } | null)?.error;
      return { name: file.name, error: isApiErrorLike(err) ? errorText({ ...err, status: res.status }) : ti("failedStatus", { status: res.status }) };
    } catch {
      return { name: file.name, error: m.networkError };
    }
  }

  // Several files (a month of daily bills, a bank's files per account) go up one after another, each its
  // own import: one that cannot be read is reported on its line and does not hold back the others.
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (files.length === 0) return;
    setError(null);
    setResult(null);
    setProgress(0);
    setPhase("uploading");
    const outcomes: FileOutcome[] = [];
    try {
      for (const [i, file] of files.entries()) {
        setCurrent(files.length > 1 ? { index: i + 1, name: file.name } : null);
        setPhase("uploading");
        outcomes.push(
          await importOne(file, (f) => {
            setProgress((i + f) / files.length);
            // Once the bytes are up the server parses and matches: say so instead of sitting at 100 %.
            if (f >= 1) setPhase("processing");
          }),
        );
      }
      const [only] = outcomes;
      if (outcomes.length === 1 && only.error !== undefined) setError(only.error);
      else setResult({ kind, outcomes });
      // The import history below the form is rendered on the server: fetch it again with these files in it.
      if (outcomes.some((o) => o.summary)) router.refresh();
    } finally {
      setPhase("idle");
      setProgress(null);
      setCurrent(null);
    }
  }

  const busy = phase !== "idle";
  const percent = progress === null ? "" : `${Math.round(progress * 100)}%`;
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
              multiple
              accept=".csv,.txt,.xml,.sta,.mt940,.zip,.gz,.xlsx,.xls"
              onChange={(e) => setFiles([...(e.target.files ?? [])])}
              className={`mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm ${focusRing}`}
              data-testid="import-file"
            />
          </label>
        </div>
        {kind === "statement" && accounts.length === 0 ? <p className="text-sm text-amber-800">{m.noAccounts}</p> : null}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={busy || files.length === 0 || (kind === "statement" && !accountId)} className={primaryButton} data-testid="import-submit">
            {busy ? m.uploading : files.length > 1 ? ti("submitFiles", { count: files.length }) : m.submit}
          </button>
          {progress !== null ? (
            <div className="flex min-w-48 flex-1 items-center gap-2">
              <progress max={1} value={progress} aria-label={m.progress} className="h-2 w-full overflow-hidden rounded [&::-webkit-progress-bar]:bg-slate-100 [&::-webkit-progress-value]:bg-teal-600" data-testid="import-progress" />
              <span role="status" className="min-w-0 max-w-md truncate whitespace-nowrap text-xs tabular-nums text-slate-600">
                {current ? ti("currentFile", { index: current.index, count: files.length, name: current.name }) + " · " : null}
                {phase === "processing" ? m.processing : percent}
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

      {result ? <ImportResult kind={result.kind} outcomes={result.outcomes} /> : null}
    </div>
  );
}
