import Link from "next/link";
import type { ReactNode } from "react";
import { logout } from "@/app/(app)/actions";
import { BrandMark } from "@/components/brand/brand-mark";
import { LanguageSwitch } from "@/components/i18n/language-switch";
import { NavLink } from "@/components/shell/nav-link";
import { requireUser } from "@/lib/auth/session";
import { getMessages } from "@/lib/i18n/server";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const [user, t] = await Promise.all([requireUser(), getMessages()]);
  return (
    <div className="min-h-dvh">
      <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur supports-[backdrop-filter]:bg-white/75">
        {/* Below lg the nav takes its own scrollable row, so more sections never widen a phone page. */}
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-3 gap-y-1 px-4 pt-2 sm:gap-x-6 sm:px-6 lg:h-14 lg:flex-nowrap lg:pt-0">
          <Link
            href="/board"
            className="flex h-10 shrink-0 items-center gap-2 rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
          >
            <BrandMark className="size-7" />
            <span className="text-sm font-semibold text-slate-900">
              {t.app.brand}
              <span className="hidden font-normal text-slate-500 sm:inline"> · {t.app.product}</span>
            </span>
          </Link>
          <nav aria-label={t.nav.main} className="order-last -mx-1 flex w-full items-center gap-1 overflow-x-auto px-1 pb-2 lg:order-none lg:mx-0 lg:w-auto lg:overflow-visible lg:px-0 lg:pb-0">
            <NavLink href="/board">{t.nav.board}</NavLink>
            <NavLink href="/payments">{t.nav.payments}</NavLink>
            <NavLink href="/orders">{t.nav.orders}</NavLink>
            <NavLink href="/refunds">{t.nav.refunds}</NavLink>
            <NavLink href="/anomalies">{t.nav.anomalies}</NavLink>
            <NavLink href="/imports">{t.nav.imports}</NavLink>
            <NavLink href="/settings">{t.nav.settings}</NavLink>
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
