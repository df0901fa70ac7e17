import { ImportForm } from "@/components/imports/import-form";
import { requireUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getMessages } from "@/lib/i18n/server";
import { listChannelAccounts } from "@/lib/services/channel-accounts";

export default async function ImportsPage() {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const accounts = await listChannelAccounts(await getDb(), user.merchantId);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{t.imports.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{t.imports.subheading}</p>
      </div>
      <ImportForm accounts={accounts.map((a) => ({ id: a.id, name: a.name, channel: a.channel }))} />
    </div>
  );
}
