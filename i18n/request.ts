import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, MESSAGES } from "@/lib/i18n/messages";

// No locale segment in the URL: links stay shareable across languages and proxy.ts stays the only
// middleware (it owns the CSP nonce), so the `lang` cookie alone chooses the language.
export default getRequestConfig(async () => {
  const value = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = isLocale(value) ? value : DEFAULT_LOCALE;
  return { locale, messages: MESSAGES[locale], timeZone: "Asia/Shanghai" };
});
