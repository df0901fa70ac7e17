import Link from "next/link";
import { AuditChangeDetails } from "@/components/audit/change-details";
import { VerifyAuditChain } from "@/components/audit/verify-chain";
import { ListFilters, PageLinks } from "@/components/lists/list-filters";
import { flatParams, toSearchParams, type PageSearchParams } from "@/components/lists/query";
import { textLink } from "@/components/payments/app-api";
import { requireUser } from "@/lib/auth/session";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/errors";
import { auditActionLabel, labelOf } from "@/lib/i18n/messages";
import { getLocale, getMessages, getTranslations } from "@/lib/i18n/server";
import { AUDIT_ACTOR_TYPES, AUDIT_AREAS, auditFiltersFrom, listAuditEvents, type AuditLogEntry } from "@/lib/services/audit-log";

const KEYS = ["q", "area", "actor", "from", "to", "cursor"] as const;
const TIME_ZONE = "Asia/Shanghai";

// One table markup for every width, as on the board: below md each row turns into a card whose cells
// print their column name from data-label, so the changes are never off-screen on a phone.
const thClass = "whitespace-nowrap px-4 py-2.5 font-medium";
const tdClass =
  "px-4 py-3 align-top max-md:flex max-md:items-baseline max-md:justify-between max-md:gap-4 max-md:px-0 max-md:py-1 max-md:before:shrink-0 max-md:before:text-xs max-md:before:text-slate-500 max-md:before:content-[attr(data-label)]";
// The changes cell stacks its label over the content on a phone: the content needs the whole width.
const wideTdClass = "px-4 py-3 align-top max-md:block max-md:px-0 max-md:py-1 max-md:before:block max-md:before:text-xs max-md:before:text-slate-500 max-md:before:content-[attr(data-label)]";

export default async function AuditLogPage({ searchParams }: { searchParams: PageSearchParams }) {
  const [user, t, tr, locale, values] = await Promise.all([requireUser(), getMessages(), getTranslations("auditLog"), getLocale(), flatParams(searchParams, KEYS)]);
  const a = t.auditLog;
  const ctx = { messages: t, locale, timeZone: TIME_ZONE };
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
          <table data-testid="audit-table" aria-label={a.heading} className="w-full text-sm max-md:block">
            <thead className="bg-slate-50 text-left text-xs font-medium text-slate-500 max-md:hidden">
              <tr>
                <th scope="col" className={thClass}>{a.time}</th>
                <th scope="col" className={thClass}>{a.actor}</th>
                <th scope="col" className={thClass}>{a.action}</th>
                <th scope="col" className={thClass}>{a.subject}</th>
                <th scope="col" className={thClass}>{a.details}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 max-md:block">
              {page.data.map((e) => (
                <tr key={e.id} data-testid={`audit-row-${e.id}`} data-action={e.action} className="align-top max-md:block max-md:px-4 max-md:py-3 md:hover:bg-slate-50/60">
                  <td data-label={a.time} className={`${tdClass} tabular-nums text-slate-700 md:whitespace-nowrap`}>
                    <span className="max-md:text-right">
                      <time dateTime={e.createdAt}>{formatZoned(new Date(e.createdAt), TIME_ZONE)}</time>
                      <span className="block text-xs text-slate-400">{e.chainSeq ? tr("chain", { seq: e.chainSeq }) : a.unlinked}</span>
                    </span>
                  </td>
                  <td data-label={a.actor} className={tdClass}>
                    <span className="min-w-0 max-md:text-right">
                      {labelOf(a.actorTypes, e.actor.type)}
                      {e.actor.label ? <span className="block break-all text-xs text-slate-500">{e.actor.label}</span> : null}
                    </span>
                  </td>
                  <td data-label={a.action} className={`${tdClass} font-medium text-slate-900 md:whitespace-nowrap`}>{auditActionLabel(a.actions, e.action)}</td>
                  <td data-label={a.subject} className={`${tdClass} md:whitespace-nowrap`}>
                    <span className="min-w-0 break-all max-md:text-right">{subject(e)}</span>
                  </td>
                  <td data-label={a.details} className={`${wideTdClass} text-xs text-slate-600 md:max-w-md`}>
                    <AuditChangeDetails event={e} ctx={ctx} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <PageLinks action="/settings/audit" values={values} nextCursor={page?.nextCursor ?? null} />
    </div>
  );
}
