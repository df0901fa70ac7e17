import { redirect } from "next/navigation";
import { login } from "@/app/login/actions";
import { BrandMark } from "@/components/brand/brand-mark";
import { LanguageSwitch } from "@/components/i18n/language-switch";
import { LoginSubmitButton } from "@/components/login/submit-button";
import { signedInUser } from "@/lib/auth/session";
import { SIGN_IN_RATE_LIMITED } from "@/lib/auth/sign-in-rate-limit";
import { getMessages } from "@/lib/i18n/server";

const inputClass =
  "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-teal-600 focus:outline-2 focus:outline-offset-0 focus:outline-teal-600/40";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  // The same check as the app's pages, so an ended session (removed member, changed password) cannot bounce between the two.
  const [{ error }, user, t] = await Promise.all([searchParams, signedInUser(), getMessages()]);
  if (user) redirect("/board");

  return (
    <div className="flex min-h-dvh flex-col bg-gradient-to-b from-teal-50 via-slate-50 to-slate-50">
      <header className="flex justify-end px-4 py-3 sm:px-6">
        <LanguageSwitch />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pb-16 pt-6 sm:items-center sm:pt-0">
        <div className="w-full max-w-sm">
          <div className="mb-8 flex flex-col items-center text-center">
            <BrandMark className="size-12" />
            <p className="mt-4 text-sm font-medium tracking-wide text-teal-800">
              {t.app.brand} · {t.app.product}
            </p>
            <h1 className="mt-1 text-2xl font-semibold text-slate-900">{t.login.heading}</h1>
            <p className="mt-2 text-sm text-slate-600">{t.login.subheading}</p>
          </div>

          <form action={login} className="space-y-5 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
            {error ? (
              <p
                data-testid="login-error"
                role="status"
                aria-live="polite"
                className="rounded-lg border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800"
              >
                {error === SIGN_IN_RATE_LIMITED ? t.login.rateLimited : t.login.error}
              </p>
            ) : null}
            <div className="space-y-1.5">
              <label htmlFor="email" className="block text-sm font-medium text-slate-700">
                {t.login.email}
              </label>
              <input
                id="email"
                name="email"
                type="email"
                autoComplete="username"
                inputMode="email"
                required
                placeholder={t.login.emailPlaceholder}
                data-testid="login-email"
                aria-invalid={error ? true : undefined}
                className={inputClass}
              />
            </div>
            <div className="space-y-1.5">
              <label htmlFor="password" className="block text-sm font-medium text-slate-700">
                {t.login.password}
              </label>
              <input
                id="password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                data-testid="login-password"
                aria-invalid={error ? true : undefined}
                className={inputClass}
              />
            </div>
            <LoginSubmitButton />
          </form>
          <p className="mt-6 text-center text-xs text-slate-500">{t.login.tagline}</p>
        </div>
      </main>
    </div>
  );
}
