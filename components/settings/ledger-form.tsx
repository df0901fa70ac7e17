"use client";

import { Fragment, useState, type FormEvent } from "react";
import { appFetch } from "@/components/payments/app-api";
import { SaveRow, useSave } from "@/components/settings/save-state";
import { inputClass, quietButton } from "@/components/settings/section";
import type { LedgerAccount, LedgerAccounts } from "@/lib/core/reports";
import { useI18n } from "@/lib/i18n/client";

type Slot = { group: "channels" | "writeOffDebit" | null; key: string };

const idOf = (s: Slot) => (s.group ? `${s.group}.${s.key}` : s.key);
const accountAt = (a: LedgerAccounts, s: Slot): LedgerAccount =>
  s.group ? (a[s.group] as Record<string, LedgerAccount>)[s.key] : (a[s.key as "matchedCredit" | "unmatchedCredit" | "refundDebit"] as LedgerAccount);

/**
 * The 会计科目 the vouchers post to, one row per channel, credit and write-off cause. Only rows that
 * differ from the default are saved, so a later release's better default still reaches the rest.
 */
export function LedgerAccountsForm({ accounts, defaults, readOnly }: { accounts: LedgerAccounts; defaults: LedgerAccounts; readOnly: boolean }) {
  const { messages: t } = useI18n();
  const l = t.settings.ledger;
  const groups: { title: string; slots: Slot[]; label: (key: string) => string }[] = [
    { title: l.groups.channels, slots: Object.keys(defaults.channels).map((key) => ({ group: "channels", key })), label: (k) => t.channels[k] ?? k },
    {
      title: l.groups.credits,
      slots: ["matchedCredit", "unmatchedCredit", "refundDebit"].map((key) => ({ group: null, key })),
      label: (k) => (l.credits as Record<string, string>)[k],
    },
    { title: l.groups.writeOffs, slots: Object.keys(defaults.writeOffDebit).map((key) => ({ group: "writeOffDebit", key })), label: (k) => t.writeOffCauses[k] ?? k },
  ];
  const all = groups.flatMap((g) => g.slots);
  const [values, setValues] = useState<Record<string, LedgerAccount>>(() => Object.fromEntries(all.map((s) => [idOf(s), accountAt(accounts, s)])));
  const { state, save } = useSave(l.failed);

  const set = (id: string, field: keyof LedgerAccount, v: string) => setValues((prev) => ({ ...prev, [id]: { ...prev[id], [field]: v } }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const entered = (s: Slot): LedgerAccount => ({ code: values[idOf(s)].code.trim(), name: values[idOf(s)].name.trim() });
    const changed = all.filter((s) => {
      const [v, d] = [entered(s), accountAt(defaults, s)];
      return v.code !== d.code || v.name !== d.name;
    });
    const of = (group: Slot["group"]) => Object.fromEntries(changed.filter((s) => s.group === group).map((s) => [s.key, entered(s)]));
    const body = { ...of(null), channels: of("channels"), writeOffDebit: of("writeOffDebit") };
    await save(() => appFetch("/api/app/settings/ledger-accounts", body, "PUT"));
  }

  return (
    <form onSubmit={submit} className="px-4 py-4 sm:px-5" data-testid="ledger-form">
      <table className="w-full max-w-3xl text-sm">
        <thead>
          <tr className="text-left text-xs text-slate-500">
            <th scope="col" className="py-1 pr-3 font-medium">{l.item}</th>
            <th scope="col" className="w-36 py-1 pr-3 font-medium">{l.code}</th>
            <th scope="col" className="py-1 font-medium">{l.name}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <Fragment key={g.title}>
              <tr>
                <th scope="rowgroup" colSpan={3} className="pb-1 pt-4 text-left text-xs font-semibold text-slate-700">
                  {g.title}
                </th>
              </tr>
              {g.slots.map((s) => {
                const id = idOf(s);
                const label = g.label(s.key);
                return (
                  <tr key={id} className="border-t border-slate-100">
                    <th scope="row" className="py-1.5 pr-3 text-left font-normal text-slate-800">{label}</th>
                    <td className="py-1.5 pr-3">
                      <input
                        required
                        pattern="[0-9A-Za-z.\-]{1,40}"
                        aria-label={`${label} ${l.code}`}
                        value={values[id].code}
                        disabled={readOnly}
                        onChange={(e) => set(id, "code", e.target.value)}
                        className={`${inputClass} font-mono`}
                        data-testid={`ledger-code-${id}`}
                      />
                    </td>
                    <td className="py-1.5">
                      <input
                        required
                        maxLength={100}
                        aria-label={`${label} ${l.name}`}
                        value={values[id].name}
                        disabled={readOnly}
                        onChange={(e) => set(id, "name", e.target.value)}
                        className={inputClass}
                        data-testid={`ledger-name-${id}`}
                      />
                    </td>
                  </tr>
                );
              })}
            </Fragment>
          ))}
        </tbody>
      </table>
      {readOnly ? (
        <p className="mt-4 text-xs text-slate-500">{l.readOnly}</p>
      ) : (
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <SaveRow state={state} label={l.save} saved={l.saved} testId="ledger-save" />
          <button
            type="button"
            className={quietButton}
            onClick={() => setValues(Object.fromEntries(all.map((s) => [idOf(s), accountAt(defaults, s)])))}
            data-testid="ledger-reset"
          >
            {l.reset}
          </button>
        </div>
      )}
    </form>
  );
}
