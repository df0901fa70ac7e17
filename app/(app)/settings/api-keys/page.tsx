import { ApiKeysManager } from "@/components/settings/api-keys-manager";
import { SettingsSection } from "@/components/settings/section";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";

const TIME_ZONE = "Asia/Shanghai";

export default async function ApiKeysPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const keys = await listApiKeys(await getDb(), user.merchantId);
  const k = t.settings.apiKeys;
  const when = (iso: string | null) => (iso ? formatZoned(new Date(iso), TIME_ZONE) : k.never);
  return (
    <SettingsSection title={k.heading} id="api-keys-heading" hint={k.hint}>
      {can(user.role, "manage_settings") ? (
        <ApiKeysManager keys={keys} />
      ) : (
        // Creating and revoking answer 403 to any other role: the keys are listed without the controls.
        <div className="space-y-4 px-4 py-4 sm:px-5">
          <p role="note" data-testid="read-only-notice" className="text-sm text-slate-600">
            {t.readOnlyNotice.apiKeys}
          </p>
          {keys.length === 0 ? (
            <p className="text-sm text-slate-500">{t.readOnlyNotice.noKeys}</p>
          ) : (
            <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
              {keys.map((key) => (
                <li key={key.id} className="px-3 py-2.5 text-sm" data-testid={`api-key-${key.prefix}`}>
                  <p className="font-medium text-slate-900">
                    {key.name} <code className="ml-1 font-mono text-xs text-slate-500">{key.prefix}…</code>
                  </p>
                  <p className="text-xs text-slate-500">
                    {k.createdAt} {when(key.createdAt)} · {k.lastUsed} {when(key.lastUsedAt)}
                    {key.revokedAt ? ` · ${k.revoked} ${when(key.revokedAt)}` : null}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </SettingsSection>
  );
}
