import { ruleClauses, type ChangeContext } from "@/components/audit/changes";
import { AnomalyRulesToggles, ToleranceRulesEditor, type AnomalyRuleView, type ToleranceRuleView } from "@/components/settings/rules-editor";
import { SettingsSection } from "@/components/settings/section";
import { requireUser } from "@/lib/auth/session";
import { formatYuan } from "@/lib/core/money";
import { localizeKnown } from "@/lib/i18n/known-texts";
import { can } from "@/lib/core/roles";
import { getDb } from "@/lib/db/client";
import { labelOf } from "@/lib/i18n/messages";
import { getLocale, getMessages } from "@/lib/i18n/server";
import { listAnomalyRules } from "@/lib/services/anomaly-rules";
import { listToleranceRules } from "@/lib/services/tolerance-rules";

const TIME_ZONE = "Asia/Shanghai";

export default async function RulesPage() {
  const [user, t, locale] = await Promise.all([requireUser(), getMessages(), getLocale()]);
  const db = await getDb();
  const [tolerance, anomaly] = await Promise.all([listToleranceRules(db, user.merchantId), listAnomalyRules(db, user.merchantId)]);
  const r = t.settings.rules;
  const manages = can(user.role, "manage_settings");
  if (manages) {
    return (
      <div className="space-y-6">
        <SettingsSection title={r.toleranceHeading} id="tolerance-heading" hint={r.toleranceHint}>
          <ToleranceRulesEditor rules={tolerance as ToleranceRuleView[]} />
        </SettingsSection>
        <SettingsSection title={r.anomalyHeading} id="anomaly-rules-heading" hint={r.anomalyHint}>
          <AnomalyRulesToggles rules={anomaly as AnomalyRuleView[]} />
        </SettingsSection>
      </div>
    );
  }

  // Saving answers 403 to any other role: the rules are shown as they stand, without the controls.
  const ctx: ChangeContext = { messages: t, locale, timeZone: TIME_ZONE };
  const limit = t.auditChanges.fields.maxShortfallFen;
  const toleranceRows = (tolerance as ToleranceRuleView[]).map((x) => ({
    id: x.id,
    name: x.name,
    enabled: x.enabled,
    summary: [
      x.maxShortfallFen !== undefined ? `${limit} ${formatYuan(x.maxShortfallFen)}` : null,
      x.maxShortfallPercent !== undefined ? `${limit} ${x.maxShortfallPercent}%` : null,
      `${r.cause} ${labelOf(t.writeOffCauses, x.cause)}`,
      x.channels?.length ? `${r.channels} ${x.channels.map((c) => labelOf(t.channels, c)).join(r.listSeparator)}` : null,
    ]
      .filter(Boolean)
      .join(" · "),
  }));
  const anomalyRows = (anomaly as AnomalyRuleView[]).map((x) => ({
    id: x.id,
    name: localizeKnown(x.name, locale),
    enabled: x.enabled,
    summary: `${r.when} ${ruleClauses(x.conditions, ctx) || r.always} → ${ruleClauses(x.actions, ctx)}`,
  }));
  return (
    <div className="space-y-6">
      <p role="note" data-testid="read-only-notice" className="text-sm text-slate-600">
        {t.readOnlyNotice.rules}
      </p>
      <SettingsSection title={r.toleranceHeading} id="tolerance-heading" hint={r.toleranceHint}>
        <ReadOnlyRules testId="tolerance-read-only" rows={toleranceRows} empty={r.noTolerance} states={t.readOnlyNotice} />
      </SettingsSection>
      <SettingsSection title={r.anomalyHeading} id="anomaly-rules-heading" hint={r.anomalyHint}>
        <ReadOnlyRules testId="anomaly-rules-read-only" rows={anomalyRows} empty={r.noAnomalyRules} states={t.readOnlyNotice} />
      </SettingsSection>
    </div>
  );
}

/** A list of rules as a viewer sees them: name, what it does, and whether it is on. */
function ReadOnlyRules({
  testId,
  rows,
  empty,
  states,
}: {
  testId: string;
  rows: { id: string; name: string; enabled: boolean; summary: string }[];
  empty: string;
  states: { enabled: string; disabled: string };
}) {
  return (
    <div className="px-4 py-4 sm:px-5" data-testid={testId}>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">{empty}</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
          {rows.map((x) => (
            <li key={x.id} className="flex items-start justify-between gap-3 px-3 py-2.5 text-sm">
              <div className="min-w-0">
                <p className="font-medium text-slate-900">{x.name}</p>
                <p className="text-xs text-slate-500">{x.summary}</p>
              </div>
              <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs ${x.enabled ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}>
                {x.enabled ? states.enabled : states.disabled}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
