import Link from "next/link";
import type { ReactNode } from "react";
import { logout } from "@/app/(app)/actions";
import { BrandMark } from "@/components/brand/brand-mark";
import { LanguageSwitch } from "@/components/i18n/language-switch";
import { NavLink } from "@/components/shell/nav-link";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/core/roles";
import { getMessages } from "@/lib/i18n/server";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  return (
    <div className="min-h-dvh">
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur supports-[backdrop-filter]:bg-white/75">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:gap-6 sm:px-6">
          <Link
            href="/board"
            className="flex shrink-0 items-center gap-2 rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
          >
            <BrandMark className="size-7" />
            <span className="text-sm font-semibold text-slate-900">
              {t.app.brand}
              <span className="hidden font-normal text-slate-500 sm:inline"> · {t.app.product}</span>
            </span>
          </Link>
          <nav aria-label={t.nav.main} className="flex items-center gap-1">
            <NavLink href="/board">{t.nav.board}</NavLink>
            <NavLink href="/payments">{t.nav.payments}</NavLink>
            <NavLink href="/anomalies">{t.nav.anomalies}</NavLink>
            {can(user.role, "manage_team") ? <span className="hidden sm:flex"><NavLink href="/settings/team">{t.nav.team}</NavLink></span> : null}
          </nav>
          <div className="ml-auto flex items-center gap-1 sm:gap-3">
            <span className="hidden max-w-48 truncate text-sm text-slate-500 md:inline" title={user.email}>
              <span className="sr-only">{t.nav.signedInAs}: </span>
              {user.email}
            </span>
            <LanguageSwitch />
            <form action={logout}>
              <button
                type="submit"
                data-testid="sign-out"
                className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
              >
                {t.nav.signOut}
              </button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">{children}</main>
    </div>
  );
}
