import { SettingsSection } from "@/components/settings/section";
import { StorefrontWebhookForm } from "@/components/settings/webhook-form";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { labelOf } from "@/lib/i18n/messages";
import { getMessages } from "@/lib/i18n/server";
import { getStorefrontWebhook, listDeliveries } from "@/lib/services/storefront-webhooks";
import { DataTable } from "@/components/ui/data-table";

const TIME_ZONE = "Asia/Shanghai";
const td = "px-4 py-2.5 align-middle";

export default async function WebhookSettingsPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const db = await getDb();
  const [hook, deliveries] = await Promise.all([getStorefrontWebhook(db, user.merchantId), listDeliveries(db, user.merchantId)]);
  const w = t.settings.webhook;
  const when = (iso: string | null) => (iso ? formatZoned(new Date(iso), TIME_ZONE) : w.none);
  return (
    <div className="space-y-6">
      <SettingsSection title={w.heading} id="webhook-heading" hint={w.hint}>
        {can(user.role, "manage_settings") ? (
          <StorefrontWebhookForm url={hook?.url ?? null} />
        ) : (
          // Saving answers 403 to any other role: the address is shown, the write-only secret never is.
          <div className="space-y-2 px-4 py-4 text-sm sm:px-5">
            <p role="note" data-testid="read-only-notice" className="text-slate-600">
              {t.readOnlyNotice.webhook}
            </p>
            <p className="text-xs font-medium text-slate-600">{w.url}</p>
            <p className="break-all font-mono text-xs text-slate-800" data-testid="webhook-url-read-only">
              {hook?.url ?? t.readOnlyNotice.notSet}
            </p>
          </div>
        )}
      </SettingsSection>
      <SettingsSection title={w.deliveries} id="deliveries-heading">
        {deliveries.length === 0 ? (
          <p className="px-4 py-8 text-center text-sm text-slate-500" data-testid="deliveries-empty">
            {w.noDeliveries}
          </p>
        ) : (
          <DataTable
            aria-labelledby="deliveries-heading" data-testid="deliveries-table"
            columns={[
              { label: w.createdAt },
              { label: w.type },
              { label: w.status },
              { label: w.attempts, align: "right" },
              { label: w.deliveredAt },
              { label: w.lastError },
            ]}
          >
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td className={`${td} whitespace-nowrap tabular-nums`}>{when(d.createdAt)}</td>
                <td className={`${td} font-mono text-xs`}>{d.type}</td>
                <td className={td} data-testid="delivery-status">
                  {d.failing ? (
                    // Never given up: the next try is what the merchant can act before.
                    <span className="text-rose-700">{w.failing.replace("{time}", when(d.nextAttemptAt))}</span>
                  ) : (
                    labelOf(w.statuses, d.status)
                  )}
                </td>
                <td className={`${td} text-right tabular-nums`}>{d.attempts}</td>
                <td className={`${td} whitespace-nowrap tabular-nums`}>{when(d.deliveredAt)}</td>
                <td className={`${td} max-w-64 truncate text-slate-600`} title={d.lastError ?? undefined}>
                  {d.lastError ?? w.none}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </SettingsSection>
    </div>
  );
}
