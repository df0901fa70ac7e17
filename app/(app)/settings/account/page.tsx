import { PasswordForm } from "@/components/settings/password-form";
import { SettingsSection } from "@/components/settings/section";
import { requireUser } from "@/lib/auth/session";
import { getMessages } from "@/lib/i18n/server";

export default async function AccountPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const a = t.settings.account;
  return (
    <SettingsSection title={a.heading} id="account-password" hint={`${user.email} · ${a.hint}`}>
      <PasswordForm />
    </SettingsSection>
  );
}
