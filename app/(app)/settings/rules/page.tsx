import { AnomalyRulesToggles, ToleranceRulesEditor, type AnomalyRuleView, type ToleranceRuleView } from "@/components/settings/rules-editor";
import { SettingsSection } from "@/components/settings/section";
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";
import { listAnomalyRules } from "@/lib/services/anomaly-rules";
import { listToleranceRules } from "@/lib/services/tolerance-rules";

export default async function RulesPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const db = await getDb();
  const [tolerance, anomaly] = await Promise.all([listToleranceRules(db, user.merchantId), listAnomalyRules(db, user.merchantId)]);
  const r = t.settings.rules;
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
