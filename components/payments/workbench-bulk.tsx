"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { focusRing } from "@/components/payments/app-api";
import { IgnoreReasonFields } from "@/components/payments/ignore-reason";
import { WORKBENCH_KEYS } from "@/components/payments/workbench-keys";
import { useI18n, useTranslations } from "@/lib/i18n/client";

/** Suggestions at or above this confidence are the ones "select all" picks: a person still confirms them. */
export const HIGH_CONFIDENCE = 0.9;

const button = `rounded-md px-3 py-1.5 text-sm font-medium ${focusRing}`;

/**
 * Select-high, confirm-selected (the selected suggestions) and ignore-selected (every selected pending
 * payment, for one reason asked here), with the outcome of the last bulk action read out to screen readers.
 */
export function BulkToolbar({
  confirmable,
  ignorable,
  presetReason,
  busy,
  result,
  onSelectHigh,
  onConfirm,
  onIgnore,
  onHelp,
}: {
  confirmable: number;
  ignorable: number;
  /** The reason the selected payments' memos point to (all interest, say), chosen when the form opens. */
  presetReason: string;
  busy: boolean;
  result: string | null;
  onSelectHigh: () => void;
  onConfirm: () => void;
  onIgnore: (reason: string) => void;
  onHelp: () => void;
}) {
  const { messages: t } = useI18n();
  const tp = useTranslations("payments");
  const [ignoring, setIgnoring] = useState(false);
  const [reason, setReason] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim() || ignorable === 0) return;
    onIgnore(reason.trim());
    setIgnoring(false);
  };
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="bulk-toolbar">
      <button type="button" onClick={onSelectHigh} data-testid="bulk-select-high" className={`${button} border border-slate-300 bg-white text-slate-700 hover:bg-slate-50`}>
        {tp("selectHigh", { percent: Math.round(HIGH_CONFIDENCE * 100) })}
      </button>
      <button
        type="button"
        onClick={onConfirm}
        disabled={confirmable === 0 || busy}
        data-testid="bulk-confirm"
        className={`${button} bg-teal-700 text-white hover:bg-teal-800 disabled:cursor-not-allowed disabled:opacity-50`}
      >
        {busy ? t.payments.working : tp("confirmSelected", { count: confirmable })}
      </button>
      <button
        type="button"
        onClick={() => {
          if (!ignoring) setReason(presetReason);
          setIgnoring(!ignoring);
        }}
        disabled={ignorable === 0 || busy}
        aria-expanded={ignoring}
        data-testid="bulk-ignore"
        className={`${button} border border-slate-300 bg-white text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50`}
      >
        {tp("ignoreSelected", { count: ignorable })}
      </button>
      <button
        type="button"
        onClick={onHelp}
        aria-keyshortcuts={WORKBENCH_KEYS.help}
        data-testid="shortcuts-button"
        className={`${button} ml-auto text-slate-600 hover:bg-slate-100`}
      >
        {t.payments.shortcuts.button} <kbd className="ml-1 rounded border border-slate-300 px-1 font-mono text-xs">?</kbd>
      </button>
      {ignoring && ignorable > 0 ? (
        <form onSubmit={submit} data-testid="bulk-ignore-form" className="w-full space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-sm font-semibold text-slate-900">{tp("bulkIgnoreHeading", { count: ignorable })}</h2>
          <p className="text-sm text-slate-500">{t.payments.ignoreHint}</p>
          <IgnoreReasonFields presets={t.payments.ignoreReasons} label={t.payments.ignoreReason} reason={reason} onChange={setReason} inputTestId="bulk-ignore-reason" />
          <div className="flex flex-wrap gap-2">
            <button type="submit" disabled={busy || !reason.trim()} data-testid="bulk-ignore-submit" className={`${button} bg-teal-700 text-white hover:bg-teal-800 disabled:opacity-50`}>
              {t.payments.submitIgnore}
            </button>
            <button type="button" onClick={() => setIgnoring(false)} className={`${button} text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`}>
              {t.payments.cancel}
            </button>
          </div>
        </form>
      ) : null}
      <p role="status" aria-live="polite" data-testid="bulk-result" className="w-full text-sm text-slate-700 empty:hidden">
        {result}
      </p>
    </div>
  );
}

/** The list of shortcuts, as a modal dialog that takes focus and gives it back on close. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { messages: t } = useI18n();
  const s = t.payments.shortcuts;
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus();
  }, []);
  const rows: [string, string][] = [
    [WORKBENCH_KEYS.next, s.next],
    [WORKBENCH_KEYS.previous, s.previous],
    [WORKBENCH_KEYS.open, s.open],
    [WORKBENCH_KEYS.confirm, s.confirm],
    [WORKBENCH_KEYS.reject, s.reject],
    [WORKBENCH_KEYS.toggle, s.toggle],
    [WORKBENCH_KEYS.help, s.help],
  ];
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4" onClick={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-heading"
        data-testid="shortcuts-help"
        onClick={(e) => e.stopPropagation()}
        className="w-full max-w-sm rounded-xl bg-white p-5 shadow-lg"
      >
        <h2 id="shortcuts-heading" className="text-lg font-semibold text-slate-900">{s.heading}</h2>
        <dl className="mt-3 space-y-2 text-sm">
          {rows.map(([key, label]) => (
            <div key={key} className="flex items-center gap-3">
              <dt className="w-14 shrink-0">
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs">{key}</kbd>
              </dt>
              <dd className="text-slate-700">{label}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-3 text-xs text-slate-500">{s.hint}</p>
        <button ref={close} type="button" onClick={onClose} data-testid="shortcuts-close" className={`${button} mt-4 bg-slate-100 text-slate-800 hover:bg-slate-200`}>
          {s.close}
        </button>
      </div>
    </div>
  );
}
