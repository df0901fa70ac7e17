import { changeSummary, describeChanges, isForeignText, type AuditChangeInput, type ChangeContext } from "@/components/audit/changes";
import { focusRing } from "@/components/payments/app-api";

/**
 * 变更内容 of one audit event: a one-line summary in the merchant's words that opens onto every
 * field it changed or recorded, and below them the record exactly as stored (JSON) for auditors.
 */
export function AuditChangeDetails({ event, ctx }: { event: AuditChangeInput; ctx: ChangeContext }) {
  if (!event.before && !event.after) return null;
  const a = ctx.messages.auditLog;
  const lines = describeChanges(event, ctx);
  return (
    <details className="group min-w-0">
      <summary className={`cursor-pointer break-words rounded ${focusRing}`} data-testid="audit-summary">
        {changeSummary(lines, ctx.locale) || ctx.messages.auditChanges.none}
      </summary>
      {lines.length ? (
        <dl className="mt-2 space-y-1" data-testid="audit-changes">
          {lines.map((l) => (
            <div key={l.key} className="flex flex-wrap gap-x-2" data-field={l.key}>
              <dt className="shrink-0 text-slate-500">{l.label}</dt>
              <dd className="min-w-0 break-words text-slate-800" lang={isForeignText(l.after, ctx.locale) ? "en" : undefined}>
                {l.before !== null ? (
                  <>
                    <span className="text-slate-500">{l.before}</span> → {l.after}
                  </>
                ) : (
                  l.after
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      <p className="mt-3 font-medium text-slate-500">{ctx.messages.auditChanges.raw}</p>
      <div className="mt-1 grid gap-2 sm:grid-cols-2">
        {(["before", "after"] as const).map((side) => (
          <div key={side} className="min-w-0">
            <p className="text-slate-500">{a[side]}</p>
            <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700">
              {event[side] ? JSON.stringify(event[side], null, 2) : "—"}
            </pre>
          </div>
        ))}
      </div>
    </details>
  );
}
