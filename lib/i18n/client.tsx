"use client";

import { useLocale, useMessages } from "next-intl";
import type { Locale, Messages } from "@/lib/i18n/messages";

export { useTranslations } from "next-intl";

/** The language and typed catalogue that NextIntlClientProvider handed down from the server. */
export function useI18n(): { locale: Locale; messages: Messages } {
  return { locale: useLocale() as Locale, messages: useMessages() as unknown as Messages };
}
