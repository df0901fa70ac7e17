import { ApiKeysManager } from "@/components/settings/api-keys-manager";
import { SettingsSection } from "@/components/settings/section";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";

export default async function ApiKeysPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const keys = await listApiKeys(await getDb(), user.merchantId);
  return (
    <SettingsSection title={t.settings.apiKeys.heading} id="api-keys-heading" hint={t.settings.apiKeys.hint}>
      <ApiKeysManager keys={keys} />
    </SettingsSection>
  );
}
