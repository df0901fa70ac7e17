"use client";

import { useState, type FormEvent } from "react";
import { appFetch } from "@/components/payments/app-api";
import { inputClass, primaryButton, quietButton } from "@/components/settings/section";
import { ruleClauses } from "@/components/audit/changes";
import { useErrorText } from "@/components/ui/use-error-text";
import { MoneyFormatError, parseYuan, toYuanString } from "@/lib/core/money";
import { useI18n, useTranslations } from "@/lib/i18n/client";
import { localizeKnown } from "@/lib/i18n/known-texts";
import { labelOf } from "@/lib/i18n/messages";

export interface ToleranceRuleView {
  id: string;
  name: string;
  enabled: boolean;
  channels?: string[];
  maxShortfallFen?: number;
  maxShortfallPercent?: number;
  cause: string;
}

export interface AnomalyRuleView {
  id: string;
  name: string;
  enabled: boolean;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
}

interface Row {
  key: number;
  name: string;
  enabled: boolean;
  channels: string[];
  yuan: string;
  percent: string;
  cause: string;
}

const CAUSES = ["coupon", "platform_subsidy", "channel_fee", "bank_fee", "rounding"];
let nextKey = 0;
const TIME_ZONE = "Asia/Shanghai";

/** PUTs the whole list; the answer (the rules as stored) is handed back so the form shows exactly that. */
function useSave<T>(onSaved: (data: T[]) => void) {
  const errorText = useErrorText();
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({ busy: false, error: null, saved: false });
  const save = async (url: string, body: unknown, failed: string) => {
    setState({ busy: true, error: null, saved: false });
    try {
      const res = await appFetch<{ data: T[] }>(url, body, "PUT");
      onSaved(res.data);
      setState({ busy: false, error: null, saved: true });
    } catch (err) {
      setState({ busy: false, error: errorText(err, { fallback: failed }), saved: false });
    }
  };
  return { ...state, save, setError: (error: string) => setState({ busy: false, error, saved: false }) };
}

/** Amount tolerances: under which shortfall a payment still settles its order, and what the difference is booked as. */
const toRows = (rules: ToleranceRuleView[]): Row[] =>
  rules.map((x) => ({
    key: nextKey++,
    name: x.name,
    enabled: x.enabled,
    channels: x.channels ?? [],
    yuan: x.maxShortfallFen === undefined ? "" : toYuanString(x.maxShortfallFen),
    percent: x.maxShortfallPercent === undefined ? "" : String(x.maxShortfallPercent),
    cause: x.cause,
  }));

export function ToleranceRulesEditor({ rules }: { rules: ToleranceRuleView[] }) {
  const { messages: t } = useI18n();
  const r = t.settings.rules;
  const tr = useTranslations("settings.rules");
  const [rows, setRows] = useState<Row[]>(() => toRows(rules));
  const status = useSave<ToleranceRuleView>((saved) => setRows(toRows(saved)));
  const update = (key: number, patch: Partial<Row>) => setRows((all) => all.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = [];
    for (const [i, row] of rows.entries()) {
      let fen: number | undefined;
      try {
        fen = row.yuan.trim() ? parseYuan(row.yuan) : undefined;
      } catch (err) {
        if (!(err instanceof MoneyFormatError)) throw err;
        return status.setError(tr("invalidAmount", { row: i + 1 }));
      }
      const percent = row.percent.trim() ? Number(row.percent) : undefined;
      if (fen === undefined && percent === undefined) return status.setError(tr("needLimit", { row: i + 1 }));
      body.push({ name: row.name, enabled: row.enabled, channels: row.channels, maxShortfallFen: fen, maxShortfallPercent: percent, cause: row.cause });
    }
    void status.save("/api/app/settings/tolerance-rules", { rules: body }, r.failed);
  }

  return (
    <form onSubmit={submit} className="space-y-3 px-4 py-4 sm:px-5" data-testid="tolerance-form">
      {rows.length === 0 ? <p className="text-sm text-slate-500">{r.noTolerance}</p> : null}
      {rows.map((row, i) => (
        <fieldset key={row.key} className="grid grid-cols-2 gap-2 rounded-lg border border-slate-200 p-3 md:grid-cols-6" data-testid={`tolerance-row-${i}`}>
          <legend className="sr-only">{tr("ruleN", { n: i + 1 })}</legend>
          <label className="col-span-2 text-xs font-medium text-slate-600">
            {r.name}
            <input required maxLength={100} value={row.name} onChange={(e) => update(row.key, { name: e.target.value })} className={`mt-1 ${inputClass}`} />
          </label>
          <label className="text-xs font-medium text-slate-600">
            {r.maxShortfallYuan}
            <input inputMode="decimal" value={row.yuan} onChange={(e) => update(row.key, { yuan: e.target.value })} className={`mt-1 ${inputClass}`} placeholder="1.00" />
          </label>
          <label className="text-xs font-medium text-slate-600">
            {r.maxShortfallPercent}
            <input type="number" min={0} max={100} step="0.01" value={row.percent} onChange={(e) => update(row.key, { percent: e.target.value })} className={`mt-1 ${inputClass}`} />
          </label>
          <label className="text-xs font-medium text-slate-600">
            {r.cause}
            <select value={row.cause} onChange={(e) => update(row.key, { cause: e.target.value })} className={`mt-1 ${inputClass}`}>
              {CAUSES.map((c) => (
                <option key={c} value={c}>
                  {labelOf(t.writeOffCauses, c)}
                </option>
              ))}
            </select>
          </label>
          <div className="flex items-end justify-between gap-2">
            <label className="flex items-center gap-1.5 text-sm text-slate-700">
              <input type="checkbox" checked={row.enabled} onChange={(e) => update(row.key, { enabled: e.target.checked })} className="size-4 accent-teal-700" />
              {r.enabled}
            </label>
            <button type="button" className={quietButton} aria-label={tr("removeN", { n: i + 1 })} onClick={() => setRows((all) => all.filter((x) => x.key !== row.key))}>
              ×
            </button>
          </div>
          {row.channels.length ? (
            <p className="col-span-2 text-xs text-slate-500 md:col-span-6">
              {r.channels}: {row.channels.map((c) => labelOf(t.channels, c)).join(r.listSeparator)}
            </p>
          ) : null}
        </fieldset>
      ))}
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={quietButton}
          data-testid="tolerance-add"
          onClick={() => setRows((all) => [...all, { key: nextKey++, name: "", enabled: true, channels: [], yuan: "", percent: "", cause: "rounding" }])}
        >
          {r.add}
        </button>
        <button type="submit" disabled={status.busy} className={primaryButton} data-testid="tolerance-save">
          {r.save}
        </button>
        <Feedback {...status} />
      </div>
    </form>
  );
}

/** Anomaly rules: read in order, switched on or off; the full rule language stays in PUT /api/v1/rules. */
export function AnomalyRulesToggles({ rules: initial }: { rules: AnomalyRuleView[] }) {
  const { locale, messages: t } = useI18n();
  const describe = (clauses: Record<string, unknown>) => ruleClauses(clauses, { messages: t, locale, timeZone: TIME_ZONE });
  const r = t.settings.rules;
  const [rules, setRules] = useState(initial);
  const [enabled, setEnabled] = useState(() => Object.fromEntries(initial.map((x) => [x.id, x.enabled])));
  const status = useSave<AnomalyRuleView>((saved) => {
    setRules(saved);
    setEnabled(Object.fromEntries(saved.map((x) => [x.id, x.enabled])));
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const body = rules.map((x) => ({ id: x.id, name: x.name, enabled: enabled[x.id], conditions: x.conditions, actions: x.actions }));
    void status.save("/api/app/rules", { rules: body }, r.failed);
  }
  return (
    <form onSubmit={submit} className="space-y-3 px-4 py-4 sm:px-5" data-testid="anomaly-rules-form">
      {rules.length === 0 ? <p className="text-sm text-slate-500">{r.noAnomalyRules}</p> : null}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
        {rules.map((x) => (
          <li key={x.id} className="flex items-start gap-3 px-3 py-2.5 text-sm">
            <input
              id={`rule-${x.id}`}
              type="checkbox"
              checked={enabled[x.id]}
              onChange={(e) => setEnabled((all) => ({ ...all, [x.id]: e.target.checked }))}
              className="mt-0.5 size-4 accent-teal-700"
            />
            <label htmlFor={`rule-${x.id}`} className="min-w-0 flex-1">
              <span className="block font-medium text-slate-900">{localizeKnown(x.name, locale)}</span>
              <span className="block text-xs text-slate-500">
                {r.when} {describe(x.conditions) || r.always} → {describe(x.actions)}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={status.busy} className={primaryButton} data-testid="anomaly-rules-save">
          {r.save}
        </button>
        <Feedback {...status} />
      </div>
    </form>
  );
}

function Feedback({ error, saved }: { error: string | null; saved: boolean }) {
  const { messages: t } = useI18n();
  if (error)
    return (
      <p role="alert" className="text-sm text-red-700">
        {error}
      </p>
    );
  return saved ? (
    <p role="status" className="text-sm text-emerald-700">
      {t.settings.rules.saved}
    </p>
  ) : null;
}
