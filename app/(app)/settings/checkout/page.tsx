import { CheckoutSettingsForm } from "@/components/settings/checkout-form";
import { SettingsSection } from "@/components/settings/section";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";
import { getCheckoutSettings } from "@/lib/services/checkout-settings";

export default async function CheckoutSettingsPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const settings = await getCheckoutSettings(await getDb(), user.merchantId);
  const c = t.settings.checkout;
  return (
    <SettingsSection title={c.heading} id="checkout-settings-heading" hint={c.hint}>
      <CheckoutSettingsForm settings={settings} readOnly={!can(user.role, "manage_settings")} />
    </SettingsSection>
  );
}
