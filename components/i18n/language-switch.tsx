import { setLocale } from "@/lib/i18n/actions";
import { getMessages } from "@/lib/i18n/server";

/** A form rather than a link: the switch is a (tiny) state change, and it works without JavaScript. */
export async function LanguageSwitch({ className = "" }: { className?: string }) {
  const t = await getMessages();
  return (
    <form action={setLocale} className={className}>
      <input type="hidden" name="locale" value={t.language.switchToLocale} />
      <button
        type="submit"
        data-testid="language-switch"
        className="inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
      >
        <svg viewBox="0 0 20 20" className="size-4" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
          <circle cx="10" cy="10" r="7.5" />
          <path d="M2.5 10h15M10 2.5c2.2 2.1 3.3 4.6 3.3 7.5s-1.1 5.4-3.3 7.5c-2.2-2.1-3.3-4.6-3.3-7.5S7.8 4.6 10 2.5Z" />
        </svg>
        {/* "Language:" read in the page's language, the target's name in its own (a screen reader switches voice for it). */}
        <span className="sr-only">{t.language.label}: </span>
        <span lang={t.language.switchToLocale}>{t.language.switchTo}</span>
      </button>
    </form>
  );
}
