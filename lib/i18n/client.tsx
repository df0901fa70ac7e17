"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Locale, Messages } from "@/lib/i18n/messages";

interface I18nValue {
  locale: Locale;
  messages: Messages;
}

const I18nContext = createContext<I18nValue | null>(null);

/** Hands the server-chosen messages to client components; the server stays the only cookie reader. */
export function I18nProvider({ locale, messages, children }: I18nValue & { children: ReactNode }) {
  return <I18nContext.Provider value={{ locale, messages }}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n must be used inside <I18nProvider>");
  return value;
}
