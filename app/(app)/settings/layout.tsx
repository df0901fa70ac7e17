import type { ReactNode } from "react";
import { NavLink } from "@/components/shell/nav-link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { getMessages } from "@/lib/i18n/server";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  const s = t.settings;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{s.heading}</h1>
        <p className="mt-1 text-sm text-slate-500">{s.subheading}</p>
      </div>
      <nav aria-label={s.subnav} className="-mx-1 flex gap-1 overflow-x-auto border-b border-slate-200 px-1 pb-2">
        <NavLink href="/settings/channels">{s.nav.channels}</NavLink>
        <NavLink href="/settings/api-keys">{s.nav.apiKeys}</NavLink>
        <NavLink href="/settings/checkout">{s.nav.checkout}</NavLink>
        <NavLink href="/settings/rules">{s.nav.rules}</NavLink>
        <NavLink href="/settings/ledger">{s.nav.ledger}</NavLink>
        <NavLink href="/settings/webhook">{s.nav.webhook}</NavLink>
        {can(user.role, "manage_team") ? <NavLink href="/settings/team">{t.nav.team}</NavLink> : null}
        <NavLink href="/settings/audit">{s.nav.audit}</NavLink>
        <NavLink href="/settings/account">{s.nav.account}</NavLink>
      </nav>
      {children}
    </div>
  );
}
