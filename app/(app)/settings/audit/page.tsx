import Link from "next/link";
import { VerifyAuditChain } from "@/components/audit/verify-chain";
import { ListFilters, PageLinks } from "@/components/lists/list-filters";
import { flatParams, toSearchParams, type PageSearchParams } from "@/components/lists/query";
import { focusRing, textLink } from "@/components/payments/app-api";
import { cellClass as td, DataTable } from "@/components/ui/data-table";
import { requireUser } from "@/lib/auth/session";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/errors";
import { auditActionLabel, labelOf } from "@/lib/i18n/messages";
import { getMessages, getTranslations } from "@/lib/i18n/server";
import { AUDIT_ACTOR_TYPES, AUDIT_AREAS, auditFiltersFrom, listAuditEvents, type AuditLogEntry } from "@/lib/services/audit-log";

const KEYS = ["q", "area", "actor", "from", "to", "cursor"] as const;
const TIME_ZONE = "Asia/Shanghai";

const show = (v: unknown) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/**
 * One line of what changed, cut to fit a cell: the fields whose value changed as `key: before → after`
 * when the event has both sides, else the values it recorded as `key: value`.
 */
function changeSummary(e: AuditLogEntry): string {
  const changed = e.before && e.after ? Object.keys({ ...e.before, ...e.after }).filter((k) => show(e.before![k]) !== show(e.after![k])) : [];
  const text = changed.length
    ? changed.map((k) => `${k}: ${k in e.before! ? show(e.before![k]) : "—"} → ${k in e.after! ? show(e.after![k]) : "—"}`).join(" · ")
    : Object.entries(e.after ?? e.before ?? {})
        .map(([k, v]) => `${k}: ${show(v)}`)
        .join(" · ");
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

export default async function AuditLogPage({ searchParams }: { searchParams: PageSearchParams }) {
  const [user, t, tr, values] = await Promise.all([requireUser(), getMessages(), getTranslations("auditLog"), flatParams(searchParams, KEYS)]);
  const a = t.auditLog;
  let page: Awaited<ReturnType<typeof listAuditEvents>> | null = null;
  let invalid = false;
  try {
    page = await listAuditEvents(await getDb(), { merchantId: user.merchantId, ...auditFiltersFrom(toSearchParams(values)), limit: 50 });
  } catch (err) {
    // A hand-edited URL with a bad filter shows the form again, not an error page.
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    invalid = true;
  }
  const subject = (e: AuditLogEntry) => {
    const kind = labelOf(a.subjectTypes, e.subjectType);
    if (e.subjectType === "payment") return <Link href={`/payments/${e.subjectId}`} className={textLink}>{kind}</Link>;
    if (e.subjectType === "order" && e.orderReference) return <Link href={`/orders/${e.orderReference}`} className={textLink}>{`${kind} ${e.orderReference}`}</Link>;
    return kind;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="max-w-2xl text-sm text-slate-500">{a.subheading}</p>
        <VerifyAuditChain />
      </div>
      <ListFilters
        action="/settings/audit"
        values={values}
        searchHint={a.searchHint}
        selects={[
          { name: "area", label: a.area, options: Object.keys(AUDIT_AREAS).map((value) => ({ value, label: labelOf(a.areas, value) })) },
          { name: "actor", label: a.actorType, options: AUDIT_ACTOR_TYPES.map((value) => ({ value, label: labelOf(a.actorTypes, value) })) },
        ]}
      />
      <section aria-label={a.heading} className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        {invalid ? (
          <p role="alert" className="px-4 py-8 text-center text-sm text-red-700">
            {a.invalidFilter}
          </p>
        ) : !page || page.data.length === 0 ? (
          <p data-testid="audit-empty" className="px-4 py-8 text-center text-sm text-slate-500">
            {a.empty}
          </p>
        ) : (
          <DataTable data-testid="audit-table" columns={[{ label: a.time }, { label: a.actor }, { label: a.action }, { label: a.subject }, { label: a.details }]}>
            {page.data.map((e) => (
              <tr key={e.id} data-testid={`audit-row-${e.id}`} data-action={e.action} className="align-top hover:bg-slate-50/60">
                <td className={`${td} whitespace-nowrap tabular-nums text-slate-700`}>
                  <time dateTime={e.createdAt}>{formatZoned(new Date(e.createdAt), TIME_ZONE)}</time>
                  <span className="block text-xs text-slate-400">{e.chainSeq ? tr("chain", { seq: e.chainSeq }) : a.unlinked}</span>
                </td>
                <td className={td}>
                  {labelOf(a.actorTypes, e.actor.type)}
                  {e.actor.label ? <span className="block break-all text-xs text-slate-500">{e.actor.label}</span> : null}
                </td>
                <td className={`${td} whitespace-nowrap font-medium text-slate-900`}>{auditActionLabel(a.actions, e.action)}</td>
                <td className={`${td} whitespace-nowrap`}>{subject(e)}</td>
                <td className={`${td} max-w-md text-xs text-slate-600`}>
                  {e.before || e.after ? (
                    <details>
                      <summary className={`cursor-pointer break-all ${focusRing}`}>{changeSummary(e)}</summary>
                      <div className="mt-2 grid gap-2 sm:grid-cols-2">
                        {(["before", "after"] as const).map((side) => (
                          <div key={side}>
                            <p className="font-medium text-slate-500">{a[side]}</p>
                            <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700">
                              {e[side] ? JSON.stringify(e[side], null, 2) : "—"}
                            </pre>
                          </div>
                        ))}
                      </div>
                      <p className="mt-1 text-slate-400">{a.moneyNote}</p>
                    </details>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <PageLinks action="/settings/audit" values={values} nextCursor={page?.nextCursor ?? null} />
    </div>
  );
}
