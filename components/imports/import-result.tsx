"use client";

import Link from "next/link";
import { textLink } from "@/components/payments/app-api";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { describeRejectedLine } from "@/lib/i18n/import-reasons";

export type ImportKind = "statement" | "orders";

/** What POST /api/app/statements or /api/app/orders/import answered for one file. */
export interface ImportSummary {
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
  /** Order exports: orders already here that the platform closed before money came, closed now. */
  updated?: number;
  /** Order exports: orders the platform changed in a way not applied (listed and counted among the rejected lines). */
  changed?: number;
  /** Order exports: further sub-order lines of an order already read. */
  skipped?: number;
}

/** One chosen file's outcome: its summary, or why it was not imported (each file is its own import). */
export type FileOutcome = { name: string; summary: ImportSummary; error?: never } | { name: string; error: string; summary?: never };

const FIGURES = ["imported", "duplicates", "matched", "suggested", "unmatched", "confirmed", "updated", "changed", "skipped"] as const;

/** The figures of several files added up, so the panel reads the same for one file or a month of them. */
function addUp(summaries: readonly ImportSummary[]) {
  const total = Object.fromEntries(FIGURES.map((f) => [f, summaries.reduce((sum, s) => sum + (s[f] ?? 0), 0)])) as Record<(typeof FIGURES)[number], number>;
  return { ...total, rejected: summaries.reduce((sum, s) => sum + (s.rejectedCount ?? s.rejected.length), 0) };
}

/**
 * The outcome of an upload: the figures (added up over the files), the lines that could not be read
 * and where to go next; with several files, a line per file saying what became of it.
 */
export function ImportResult({ kind, outcomes }: { kind: ImportKind; outcomes: readonly FileOutcome[] }) {
  const { messages: t } = useI18n();
  const m = t.imports;
  const ti = useTranslations("imports");
  const summaries = outcomes.flatMap((o) => (o.summary ? [o.summary] : []));
  const several = outcomes.length > 1;
  const s = addUp(summaries);
  const statementId = !several ? summaries[0]?.statementId : undefined;
  return (
    <section aria-labelledby="import-result-heading" className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="import-result">
      <h2 id="import-result-heading" className="border-b border-slate-100 px-4 py-3 text-base font-semibold text-slate-900 sm:px-5">
        {several ? ti("resultOfFiles", { imported: summaries.length, files: outcomes.length }) : m.result}
      </h2>
      <dl className="grid grid-cols-2 gap-3 px-4 py-4 text-sm sm:grid-cols-3 sm:px-5 lg:grid-cols-6">
        <Figure label={m.imported} value={s.imported} id="imported" />
        <Figure label={m.duplicates} value={s.duplicates} id="duplicates" />
        {kind === "statement" ? (
          <>
            <Figure label={m.matched} value={s.matched} id="matched" />
            <Figure label={m.suggested} value={s.suggested} id="suggested" />
            <Figure label={m.unmatched} value={s.unmatched} id="unmatched" />
            {s.confirmed > 0 ? <Figure label={m.confirmed} value={s.confirmed} id="confirmed" /> : null}
          </>
        ) : (
          <>
            {s.updated > 0 ? <Figure label={m.updated} value={s.updated} id="updated" /> : null}
            {s.skipped > 0 ? <Figure label={m.skipped} value={s.skipped} id="skipped" /> : null}
          </>
        )}
        <Figure label={m.rejected} value={s.rejected} id="rejected" />
        {kind === "orders" && s.changed > 0 ? <Figure label={m.changed} value={s.changed} id="changed" /> : null}
      </dl>
      {several ? <FileList kind={kind} outcomes={outcomes} /> : null}
      <RejectedLines outcomes={outcomes} several={several} />
      <p className="flex flex-wrap gap-x-5 gap-y-1 border-t border-slate-100 px-4 py-3 text-sm empty:hidden sm:px-5">
        {kind === "orders" ? (
          <Link href="/orders" className={textLink}>
            {m.toOrders}
          </Link>
        ) : (
          <>
            {s.suggested + s.unmatched > 0 ? (
              <Link href={`/payments${statementId ? `?statementId=${statementId}` : ""}`} className={textLink} data-testid="import-to-pending">
                {m.toPayments}
              </Link>
            ) : null}
            {statementId && s.imported + s.confirmed > 0 ? (
              <Link href={`/payments?view=all&statementId=${statementId}`} className={textLink} data-testid="import-to-payments">
                {m.filePayments}
              </Link>
            ) : null}
          </>
        )}
      </p>
    </section>
  );
}

/** A line per file: what it added, or why it was not imported; a statement's line links to its payments. */
function FileList({ kind, outcomes }: { kind: ImportKind; outcomes: readonly FileOutcome[] }) {
  const { messages: t } = useI18n();
  const ti = useTranslations("imports");
  return (
    <ul className="divide-y divide-slate-100 border-t border-slate-100 text-sm" data-testid="import-files">
      {outcomes.map((o, i) => (
        <li key={`${i}-${o.name}`} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-2 sm:px-5" data-testid={`import-file-${i}`}>
          <span className="min-w-0 break-all font-medium text-slate-900">{o.name}</span>
          {o.summary ? (
            <>
              <span className="text-slate-600" data-testid={`import-file-${i}-figures`}>
                {kind === "statement"
                  ? ti("fileFigures", { imported: o.summary.imported, duplicates: o.summary.duplicates, matched: o.summary.matched ?? 0, pending: (o.summary.suggested ?? 0) + (o.summary.unmatched ?? 0) })
                  : ti("fileOrderFigures", { imported: o.summary.imported, duplicates: o.summary.duplicates })}
              </span>
              {o.summary.statementId && o.summary.imported + (o.summary.confirmed ?? 0) > 0 ? (
                <Link href={`/payments?view=all&statementId=${o.summary.statementId}`} className={`${textLink} ml-auto`}>
                  {t.imports.history.view}
                </Link>
              ) : null}
            </>
          ) : (
            <span role="alert" className="text-red-700" data-testid={`import-file-${i}-error`}>
              {o.error}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The lines no file could read, each with its reason (and, with several files, the file it is in). */
function RejectedLines({ outcomes, several }: { outcomes: readonly FileOutcome[]; several: boolean }) {
  const { locale, messages: t } = useI18n();
  const ti = useTranslations("imports");
  const lines = outcomes.flatMap((o) => (o.summary ? o.summary.rejected.map((r) => ({ ...r, file: o.name })) : []));
  if (lines.length === 0) return null;
  return (
    <div className="border-t border-slate-100 px-4 py-3 sm:px-5">
      <h3 className="text-sm font-medium text-slate-900">{t.imports.rejectedLines}</h3>
      <ul className="mt-2 space-y-1 text-sm text-slate-700" data-testid="import-rejected-lines">
        {lines.map((r, i) => {
          const reason = describeRejectedLine(r.message, { locale, messages: t });
          return (
            <li key={`${i}-${r.line}`}>
              {several ? <span className="mr-1 text-slate-500">{r.file}</span> : null}
              <span className="font-medium tabular-nums">{ti("line", { line: r.line })}</span> {reason.text}
              {reason.detail ? <span className="ml-1 break-all font-mono text-xs text-slate-500">{reason.detail}</span> : null}
            </li>
          );
        })}
      </ul>
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
