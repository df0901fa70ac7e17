import { LedgerAccountsForm } from "@/components/settings/ledger-form";
import { SettingsSection } from "@/components/settings/section";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";
import { getLedgerSettings } from "@/lib/services/ledger-settings";

export default async function LedgerSettingsPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const { accounts, defaults } = await getLedgerSettings(await getDb(), user.merchantId);
  const l = t.settings.ledger;
  return (
    <SettingsSection title={l.heading} id="ledger-heading" hint={l.hint}>
      <LedgerAccountsForm accounts={accounts} defaults={defaults} readOnly={!can(user.role, "manage_books")} />
    </SettingsSection>
  );
}
