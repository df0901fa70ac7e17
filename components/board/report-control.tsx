"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { appFetch, focusRing } from "@/components/payments/app-api";
import { fetchFile, saveBlob } from "@/components/ui/download";
import { useErrorText } from "@/components/ui/use-error-text";
import { CHANNEL_NAMES } from "@/lib/core/channels/types";
import { presetRange, progressPercent, type ReportPreset } from "@/lib/core/reports/presets";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { labelOf } from "@/lib/i18n/messages";
import type { ReportJobView } from "@/lib/services/report-jobs";
import type { ReportRequestResult } from "@/lib/services/report-request";

const FORMATS = ["xlsx", "pdf", "csv", "json", "kingdee", "yonyou"] as const;
type Format = (typeof FORMATS)[number];
// 记账凭证 for the accounting package: all channels at once, from the summary alone, so never a job.
const VOUCHER_FORMATS: readonly Format[] = ["kingdee", "yonyou"];
const ENCODINGS = ["utf-8", "gbk"] as const;
const POLL_MS = 1_000;

type Choice = ReportPreset | "custom";
type Range = { from: string; to: string };
/** What 生成 asks for: the reconciliation report (at once or as a job), or the vouchers (always at once). */
type Ask = { kind: "report"; body: Record<string, string> } | { kind: "vouchers"; range: Range; format: Format; encoding: string };

// The file's extension per format, for a download whose answer names no file (JSON comes as a plain body).
const EXTENSIONS: Record<Format, string> = { xlsx: "xlsx", pdf: "pdf", csv: "zip", json: "json", kingdee: "csv", yonyou: "csv" };

/**
 * Fetches the file, checks the answer, and only then saves it: a failed report (a 500, a 4xx with
 * its reason, a stream that breaks off) is an error shown in the panel, never a broken or missing file
 * the merchant was told had started downloading.
 */
async function download(url: string, fallbackName: string): Promise<void> {
  const { blob, fileName } = await fetchFile(url);
  saveBlob(blob, fileName ?? fallbackName);
}

const inputClass = `rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 ${focusRing}`;

/**
 * The board's 生成对账报告: yesterday, this month or a chosen range (merchant-zone days), a format and
 * an optional channel. A small range downloads at once; a large one becomes a job whose progress is
 * polled until its download link appears.
 */
export function ReportControl({ timeZone }: { timeZone: string }) {
  const { locale, messages: t } = useI18n();
  const r = t.report;
  const tr = useTranslations("report");
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<Choice>("month");
  const [custom, setCustom] = useState(() => presetRange("month", new Date(), timeZone));
  const [fmt, setFmt] = useState<Format>("xlsx");
  const [encoding, setEncoding] = useState<(typeof ENCODINGS)[number]>("utf-8");
  const vouchers = VOUCHER_FORMATS.includes(fmt);
  const [channel, setChannel] = useState("");
  const [jobId, setJobId] = useState<string | null>(null);
  // The range whose file was saved (the 已下载 line), and whether a file is being fetched now.
  const [started, setStarted] = useState<Range | null>(null);
  const [downloading, setDownloading] = useState(false);
  const errorText = useErrorText();

  const request = useMutation({
    mutationFn: async (ask: Ask): Promise<ReportRequestResult | null> => {
      const fetched = async (url: string, ext: string, range: Range) => {
        setDownloading(true);
        try {
          await download(url, `对账报告_${range.from}_${range.to}.${ext}`);
        } finally {
          setDownloading(false);
        }
      };
      if (ask.kind === "vouchers") {
        const query = new URLSearchParams({ ...ask.range, format: ask.format, encoding: ask.encoding });
        await fetched(`/api/app/reports/vouchers?${query.toString()}`, EXTENSIONS[ask.format], ask.range);
        return null;
      }
      const result = await appFetch<ReportRequestResult>("/api/app/reports", ask.body);
      if (result.kind === "download") await fetched(result.url, EXTENSIONS[ask.body.format as Format] ?? "bin", { from: ask.body.from, to: ask.body.to });
      return result;
    },
    onMutate: () => {
      setStarted(null);
      setJobId(null);
    },
    onSuccess: (result, ask) => {
      if (result?.kind === "job") setJobId(result.job.jobId);
      else setStarted(ask.kind === "vouchers" ? ask.range : { from: ask.body.from, to: ask.body.to });
    },
  });
  const job = useQuery({
    queryKey: ["report-job", jobId],
    queryFn: () => appFetch<ReportJobView>(`/api/app/reports/jobs/${jobId}`),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === "ready" || q.state.data.status === "failed") ? false : POLL_MS),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const range = choice === "custom" ? custom : presetRange(choice, new Date(), timeZone);
    if (vouchers) return request.mutate({ kind: "vouchers", range, format: fmt, encoding });
    const body: Record<string, string> = { ...range, format: fmt };
    if (channel) body.channel = channel;
    request.mutate({ kind: "report", body });
  };

  const status = job.data;
  const percent = status ? progressPercent(status.progress.rows, status.progress.total, status.status === "ready") : 0;

  return (
    <div className="relative self-start sm:self-auto">
      <button
        type="button"
        data-testid="report-open"
        aria-expanded={open}
        aria-controls={`${ids}-panel`}
        onClick={() => setOpen((v) => !v)}
        className={`rounded-lg bg-teal-700 px-3.5 py-2 text-sm font-medium text-white shadow-sm hover:bg-teal-800 ${focusRing}`}
      >
        {r.open}
      </button>
      {open ? (
        <section
          id={`${ids}-panel`}
          aria-labelledby={`${ids}-heading`}
          data-testid="report-panel"
          className="mt-2 w-full rounded-xl border border-slate-200 bg-white p-4 shadow-lg sm:absolute sm:right-0 sm:z-20 sm:w-96"
        >
          <div className="flex items-center justify-between">
            <h2 id={`${ids}-heading`} className="text-base font-semibold text-slate-900">
              {r.heading}
            </h2>
            <button type="button" onClick={() => setOpen(false)} className={`rounded px-2 text-sm text-slate-500 hover:text-slate-900 ${focusRing}`}>
              {r.close}
            </button>
          </div>
          <form onSubmit={submit} className="mt-3 space-y-3 text-sm">
            <fieldset>
              <legend className="font-medium text-slate-700">{r.range}</legend>
              <div role="group" className="mt-1.5 inline-flex rounded-lg bg-slate-100 p-1">
                {(["yesterday", "month", "custom"] as const).map((id) => (
                  <button
                    key={id}
                    type="button"
                    aria-pressed={choice === id}
                    data-testid={`report-preset-${id}`}
                    onClick={() => setChoice(id)}
                    className={`rounded-md px-3 py-1.5 font-medium ${focusRing} ${choice === id ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
                  >
                    {r.presets[id]}
                  </button>
                ))}
              </div>
              {choice === "custom" ? (
                <div className="mt-2 grid grid-cols-2 gap-2">
                  <label className="flex flex-col gap-1 text-slate-600">
                    {r.from}
                    <input type="date" required data-testid="report-from" value={custom.from} max={custom.to} onChange={(e) => setCustom({ ...custom, from: e.target.value })} className={inputClass} />
                  </label>
                  <label className="flex flex-col gap-1 text-slate-600">
                    {r.to}
                    <input type="date" required data-testid="report-to" value={custom.to} min={custom.from} onChange={(e) => setCustom({ ...custom, to: e.target.value })} className={inputClass} />
                  </label>
                </div>
              ) : null}
              <p className="mt-1.5 text-xs text-slate-500">{tr("daysNote", { tz: labelOf(t.timeZones, timeZone) })}</p>
            </fieldset>
            <div className="grid grid-cols-2 gap-2">
              <label className="flex flex-col gap-1 text-slate-600">
                {r.format}
                <select data-testid="report-format" value={fmt} onChange={(e) => setFmt(e.target.value as Format)} className={inputClass}>
                  {FORMATS.map((f) => (
                    <option key={f} value={f}>
                      {r.formats[f]}
                    </option>
                  ))}
                </select>
              </label>
              {vouchers ? (
                <label className="flex flex-col gap-1 text-slate-600">
                  {r.encoding}
                  <select data-testid="report-encoding" value={encoding} onChange={(e) => setEncoding(e.target.value as (typeof ENCODINGS)[number])} className={inputClass}>
                    {ENCODINGS.map((enc) => (
                      <option key={enc} value={enc}>
                        {r.encodings[enc]}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <label className="flex flex-col gap-1 text-slate-600">
                  {r.channel}
                  <select data-testid="report-channel" value={channel} onChange={(e) => setChannel(e.target.value)} className={inputClass}>
                    <option value="">{r.allChannels}</option>
                    {CHANNEL_NAMES.map((c) => (
                      <option key={c} value={c}>
                        {labelOf(t.channels, c)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
            {vouchers ? (
              <p data-testid="report-vouchers-note" className="text-xs text-slate-500">
                {r.vouchersNote}{" "}
                <a href="/settings/ledger" className={`font-medium text-teal-700 underline underline-offset-2 ${focusRing}`}>
                  {r.ledgerLink}
                </a>
              </p>
            ) : null}
            {r.languageNote ? (
              <p data-testid="report-language-note" className="text-xs text-slate-500">
                {r.languageNote}
              </p>
            ) : null}
            <button
              type="submit"
              data-testid="report-submit"
              disabled={request.isPending}
              className={`w-full rounded-lg bg-teal-700 px-3 py-2 font-medium text-white hover:bg-teal-800 disabled:opacity-60 ${focusRing}`}
            >
              {request.isPending ? r.submitting : r.submit}
            </button>
          </form>
          <div aria-live="polite" className="mt-3 space-y-2 text-sm">
            {request.isError ? (
              <p data-testid="report-error" className="text-red-700">
                {tr("error", { error: errorText(request.error) })}
              </p>
            ) : null}
            {downloading ? (
              <p role="status" data-testid="report-downloading" className="text-slate-600">
                {r.downloading}
              </p>
            ) : null}
            {started ? <p data-testid="report-started" className="text-slate-600">{tr("started", started)}</p> : null}
            {jobId ? (
              <div data-testid="report-job" className="space-y-2">
                {status?.status === "ready" ? null : <p className="text-slate-600">{r.jobQueued}</p>}
                <div
                  role="progressbar"
                  aria-label={r.progressLabel}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                  data-testid="report-progress"
                  className="h-2 overflow-hidden rounded-full bg-slate-100"
                >
                  <div className="h-full rounded-full bg-teal-600 transition-[width]" style={{ width: `${percent}%` }} />
                </div>
                {status ? (
                  <p className="text-xs tabular-nums text-slate-500">
                    {tr("progress", { rows: status.progress.rows, total: status.progress.total, percent })}
                  </p>
                ) : null}
                {status?.status === "failed" ? (
                  <p data-testid="report-job-failed" className="text-red-700">
                    {r.failed}
                    {/* The job's own reason is the server's English text: the English UI shows it as detail. */}
                    {locale === "en" && status.error ? ` (${status.error})` : null}
                  </p>
                ) : null}
                {job.isError ? <p className="text-red-700">{tr("error", { error: errorText(job.error) })}</p> : null}
                {status?.downloadUrl ? (
                  <p>
                    <span className="text-slate-700">{r.ready} </span>
                    <a href={status.downloadUrl} download data-testid="report-download" className={`font-medium text-teal-700 underline underline-offset-2 ${focusRing}`}>
                      {r.download}
                    </a>
                  </p>
                ) : null}
              </div>
            ) : null}
          </div>
        </section>
      ) : null}
    </div>
  );
}
