"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { AppApiError, appFetch, focusRing } from "@/components/payments/app-api";
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

/** Hands a URL to the browser as a download (the route answers with Content-Disposition: attachment). */
function startDownload(url: string) {
  const a = document.createElement("a");
  a.href = url;
  a.download = "";
  document.body.append(a);
  a.click();
  a.remove();
}

const inputClass = `rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 ${focusRing}`;

/**
 * The board's 生成对账报告: yesterday, this month or a chosen range (merchant-zone days), a format and
 * an optional channel. A small range downloads at once; a large one becomes a job whose progress is
 * polled until its download link appears.
 */
export function ReportControl({ timeZone }: { timeZone: string }) {
  const { messages: t } = useI18n();
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
  const [started, setStarted] = useState<{ from: string; to: string } | null>(null);

  const request = useMutation({
    mutationFn: (body: Record<string, string>) => appFetch<ReportRequestResult>("/api/app/reports", body),
    onSuccess: (result, body) => {
      if (result.kind === "download") {
        setJobId(null);
        setStarted({ from: body.from, to: body.to });
        startDownload(result.url);
      } else {
        setStarted(null);
        setJobId(result.job.jobId);
      }
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
    if (vouchers) {
      request.reset();
      setJobId(null);
      setStarted(range);
      startDownload(`/api/app/reports/vouchers?${new URLSearchParams({ ...range, format: fmt, encoding }).toString()}`);
      return;
    }
    const body: Record<string, string> = { ...range, format: fmt };
    if (channel) body.channel = channel;
    request.mutate(body);
  };

  const status = job.data;
  const percent = status ? progressPercent(status.progress.rows, status.progress.total, status.status === "ready") : 0;
  const errorText = (err: unknown) => (err instanceof AppApiError ? err.message : String(err));

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
                    {tr("failed", { error: status.error ?? "" })}
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
