"use client";

import Form from "next/form";
import Link from "next/link";
import { toSearchParams } from "@/components/lists/query";
import { focusRing } from "@/components/payments/app-api";
import { useI18n } from "@/lib/i18n/client";

export interface FilterSelect {
  name: string;
  label: string;
  options: { value: string; label: string }[];
}

const field = `w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 ${focusRing}`;

/**
 * A list's filters as a GET form: the URL is the state, so a board link, a bookmark and the back
 * button all land on the same filtered list; submitting navigates without a full reload.
 */
export function ListFilters({
  action,
  values,
  selects,
  searchHint,
  keep = {},
  search = true,
  dates = true,
}: {
  action: string;
  values: Record<string, string | undefined>;
  selects: FilterSelect[];
  searchHint: string;
  /** Whether the list takes a free-text `q` and a `from`/`to` date range. */
  search?: boolean;
  dates?: boolean;
  /** Parameters the form does not show but must carry over (e.g. the tab). */
  keep?: Record<string, string>;
}) {
  const { messages: t } = useI18n();
  const f = t.filters;
  return (
    <Form action={action} role="search" aria-label={f.label} className="grid grid-cols-2 gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-6" data-testid="list-filters">
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {search ? (
        <label className="col-span-2 block text-xs font-medium text-slate-600">
          {f.search}
          <input type="search" name="q" maxLength={200} defaultValue={values.q ?? ""} placeholder={searchHint} className={`mt-1 ${field}`} data-testid="filter-q" />
        </label>
      ) : null}
      {selects.map((s) => (
        <label key={s.name} className="block text-xs font-medium text-slate-600">
          {s.label}
          <select name={s.name} defaultValue={values[s.name] ?? ""} className={`mt-1 ${field}`} data-testid={`filter-${s.name}`}>
            <option value="">{f.any}</option>
            {s.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      ))}
      {dates ? (
        <>
          <label className="block text-xs font-medium text-slate-600">
            {f.from}
            <input type="date" name="from" defaultValue={values.from ?? ""} className={`mt-1 ${field}`} data-testid="filter-from" />
          </label>
          <label className="block text-xs font-medium text-slate-600">
            {f.to}
            <input type="date" name="to" defaultValue={values.to ?? ""} className={`mt-1 ${field}`} data-testid="filter-to" />
          </label>
        </>
      ) : null}
      <div className="col-span-2 flex items-end gap-2 md:col-span-6">
        <button type="submit" className={`rounded-md bg-teal-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-800 ${focusRing}`} data-testid="filter-submit">
          {f.apply}
        </button>
        <Link href={Object.keys(keep).length ? `${action}?${new URLSearchParams(keep).toString()}` : action} className={`rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100 ${focusRing}`}>
          {f.clear}
        </Link>
      </div>
    </Form>
  );
}

/** "Next page" for keyset paging: the same filters plus the cursor the list answered with. */
export function PageLinks({ action, values, nextCursor }: { action: string; values: Record<string, string | undefined>; nextCursor: string | null }) {
  const { messages: t } = useI18n();
  const base = toSearchParams({ ...values, cursor: undefined });
  const next = nextCursor ? `${action}?${new URLSearchParams([...base, ["cursor", nextCursor]]).toString()}` : null;
  if (!next && !values.cursor) return null;
  return (
    <nav aria-label={t.filters.paging} className="flex justify-end gap-2 text-sm">
      {values.cursor ? (
        <Link href={`${action}?${new URLSearchParams(base).toString()}`} className={`rounded-md px-3 py-1.5 text-teal-700 hover:bg-slate-100 ${focusRing}`}>
          {t.filters.firstPage}
        </Link>
      ) : null}
      {next ? (
        <Link href={next} data-testid="next-page" className={`rounded-md px-3 py-1.5 text-teal-700 hover:bg-slate-100 ${focusRing}`}>
          {t.filters.nextPage}
        </Link>
      ) : null}
    </nav>
  );
}
