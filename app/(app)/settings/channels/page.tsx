import { headers } from "next/headers";
import { CopyButton } from "@/components/pay/copy-button";
import { ChannelAccountActions } from "@/components/settings/channel-account-actions";
import { ChannelAccountForm } from "@/components/settings/channel-account-form";
import { SettingsSection } from "@/components/settings/section";
import { PaymentStatusBadge } from "@/components/ui/status-badge";
import { requireUser } from "@/lib/auth/session";
import { EXPIRY_WARNING_DAYS } from "@/lib/core/anomalies/detectors/credentials-expiring";
import { can } from "@/lib/core/roles";
import { formatZoned } from "@/lib/core/time";
import { getDb } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import { labelOf } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";
import { getLocale, getMessages, getTranslations } from "@/lib/i18n/server";
import { listChannelAccountsWithActivity } from "@/lib/services/channel-accounts";

const TIME_ZONE = "Asia/Shanghai";

type ChannelMessages = Awaited<ReturnType<typeof getMessages>>["settings"]["channels"];

function CertificatesExpiry({ at, days, messages: s, expiring }: { at: Date; days: number; messages: ChannelMessages; expiring: string }) {
  const tone = days < 0 ? "text-red-700" : days < EXPIRY_WARNING_DAYS ? "text-amber-700" : "text-slate-500";
  return (
    <p className={`text-xs ${tone}`} data-testid="channel-certificates-expiry" role={days < EXPIRY_WARNING_DAYS ? "alert" : undefined}>
      {s.certificatesValidUntil} <span className="tabular-nums">{formatZoned(at, TIME_ZONE).slice(0, 10)}</span>
      {days < 0 ? ` · ${s.certificatesExpired}` : days < EXPIRY_WARNING_DAYS ? ` · ${expiring}` : ""}
    </p>
  );
}

export default async function ChannelSettingsPage() {
  const [user, t, h, locale, tc] = await Promise.all([requireUser(), getMessages(), headers(), getLocale(), getTranslations("settings.channels")]);
  const s = t.settings.channels;
  const accounts = await listChannelAccountsWithActivity(await getDb(), user.merchantId);
  const manages = can(user.role, "manage_settings");
  // The same base the checkout hands channels as notify_url, so the copied URL is the one that works.
  const base = baseUrlOf(new Request(`http://${h.get("host") ?? "localhost"}/`, { headers: h }));
  return (
    <SettingsSection title={s.heading} id="channels-heading" hint={s.hint}>
      {accounts.length === 0 ? (
        <p className="px-4 py-8 text-center text-sm text-slate-500">{s.empty}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {accounts.map((a) => {
            const url = `${base}${a.webhookUrl}`;
            return (
              <li key={a.id} className="space-y-2 px-4 py-4 sm:px-5" data-testid={`channel-account-${a.id}`}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p className="font-medium text-slate-900">
                    {a.name} <span className="text-sm font-normal text-slate-500">· {labelOf(t.channels, a.channel)}</span>
                    {a.disabledAt ? (
                      <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-normal text-slate-600" data-testid="channel-account-disabled">
                        {s.disabled}
                      </span>
                    ) : null}
                  </p>
                  <p className="text-xs text-slate-500">
                    {s.lastNotification}:{" "}
                    <span data-testid="channel-last-notified" className="tabular-nums">
                      {a.lastNotifiedAt ? formatZoned(new Date(a.lastNotifiedAt), TIME_ZONE) : s.never}
                    </span>
                  </p>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  <span className="text-xs text-slate-500">{s.webhookUrl}</span>
                  <code id={`webhook-url-${a.id}`} className="min-w-0 break-all rounded bg-slate-50 px-2 py-1 font-mono text-xs text-slate-800" data-testid="channel-webhook-url">
                    {url}
                  </code>
                  <CopyButton text={url} targetId={`webhook-url-${a.id}`} label={s.copy} />
                </div>
                {a.certificates ? <CertificatesExpiry
                    at={new Date(a.certificates.expireAt)}
                    days={a.certificates.daysLeft}
                    messages={s}
                    expiring={tc("certificatesExpiring", { days: a.certificates.daysLeft })}
                  /> : null}
                {a.lastPayment ? (
                  <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
                    {s.lastPayment}: <span className="tabular-nums">{formatZoned(new Date(a.lastPayment.receivedAt), TIME_ZONE)}</span>
                    <span className="font-medium tabular-nums text-slate-900">{formatMoney(a.lastPayment.amount, a.lastPayment.currency, locale)}</span>
                    <PaymentStatusBadge status={a.lastPayment.status} label={labelOf(t.paymentStatus, a.lastPayment.status)} />
                  </p>
                ) : null}
                {manages ? <ChannelAccountActions id={a.id} channel={a.channel} disabled={a.disabledAt !== null} /> : null}
              </li>
            );
          })}
        </ul>
      )}
      {manages ? <ChannelAccountForm /> : null}
    </SettingsSection>
  );
}
