import { formatValue, type ChangeContext } from "@/components/audit/changes";
import { AnomalyRulesToggles, ToleranceRulesEditor, type AnomalyRuleView, type ToleranceRuleView } from "@/components/settings/rules-editor";
import { SettingsSection } from "@/components/settings/section";
import { requireUser } from "@/lib/auth/session";
import { formatYuan } from "@/lib/core/money";
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
  const state = (enabled: boolean) => (
    <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs ${enabled ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}>
      {enabled ? t.readOnlyNotice.enabled : t.readOnlyNotice.disabled}
    </span>
  );
  const limit = t.auditChanges.fields.maxShortfallFen;
  const list = "divide-y divide-slate-100 rounded-lg border border-slate-200";
  return (
    <div className="space-y-6">
      <p role="note" data-testid="read-only-notice" className="text-sm text-slate-600">
        {t.readOnlyNotice.rules}
      </p>
      <SettingsSection title={r.toleranceHeading} id="tolerance-heading" hint={r.toleranceHint}>
        <div className="px-4 py-4 sm:px-5" data-testid="tolerance-read-only">
          {tolerance.length === 0 ? (
            <p className="text-sm text-slate-500">{r.noTolerance}</p>
          ) : (
            <ul className={list}>
              {(tolerance as ToleranceRuleView[]).map((x) => (
                <li key={x.id} className="flex items-start justify-between gap-3 px-3 py-2.5 text-sm">
                  <div className="min-w-0">
                    <p className="font-medium text-slate-900">{x.name}</p>
                    <p className="text-xs text-slate-500">
                      {[
                        x.maxShortfallFen !== undefined ? `${limit} ${formatYuan(x.maxShortfallFen)}` : null,
                        x.maxShortfallPercent !== undefined ? `${limit} ${x.maxShortfallPercent}%` : null,
                        `${r.cause} ${labelOf(t.writeOffCauses, x.cause)}`,
                        x.channels?.length ? `${r.channels} ${x.channels.map((c) => labelOf(t.channels, c)).join(locale === "en" ? ", " : "、")}` : null,
                      ]
                        .filter(Boolean)
                        .join(" · ")}
                    </p>
                  </div>
                  {state(x.enabled)}
                </li>
              ))}
            </ul>
          )}
        </div>
      </SettingsSection>
      <SettingsSection title={r.anomalyHeading} id="anomaly-rules-heading" hint={r.anomalyHint}>
        <div className="px-4 py-4 sm:px-5" data-testid="anomaly-rules-read-only">
          {anomaly.length === 0 ? (
            <p className="text-sm text-slate-500">{r.noAnomalyRules}</p>
          ) : (
            <ul className={list}>
              {(anomaly as AnomalyRuleView[]).map((x) => {
                const when = formatValue("conditions", x.conditions, ctx);
                return (
                  <li key={x.id} className="flex items-start justify-between gap-3 px-3 py-2.5 text-sm">
                    <div className="min-w-0">
                      <p className="font-medium text-slate-900">{x.name}</p>
                      <p className="text-xs text-slate-500">
                        {r.when} {when === t.auditChanges.none ? r.always : when} → {formatValue("actions", x.actions, ctx)}
                      </p>
                    </div>
                    {state(x.enabled)}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      </SettingsSection>
    </div>
  );
}
