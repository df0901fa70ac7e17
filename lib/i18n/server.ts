import "server-only";
import { getLocale as intlLocale, getMessages as intlMessages } from "next-intl/server";
import type { Locale, Messages } from "@/lib/i18n/messages";

export { getTranslations } from "next-intl/server";

/** The request's language, as i18n/request.ts chose it from the `lang` cookie. */
export async function getLocale(): Promise<Locale> {
  return (await intlLocale()) as Locale;
}

/** The whole typed catalogue, for components that read plain labels by property. */
export async function getMessages(): Promise<Messages> {
  return (await intlMessages()) as unknown as Messages;
}
