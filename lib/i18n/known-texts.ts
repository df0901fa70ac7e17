// Texts the product itself wrote into the data (the preset anomaly rules' names, the preset reasons for
// ignoring a payment) are stored as written, in the language of whoever chose them. Shown back, each is
// given in the reader's language while it is still exactly a preset; anything a person typed stays as typed.
import { LOCALES, MESSAGES, type Locale } from "@/lib/i18n/messages";

const PRESET_LISTS = ["ignoreReasons", "defaultRuleNames"] as const;

/** For each preset text in any language: the same preset in every language. */
const KNOWN = new Map<string, Record<Locale, string>>();
for (const list of PRESET_LISTS) {
  const length = MESSAGES["zh-CN"].payments[list].length;
  for (let i = 0; i < length; i++) {
    const texts = Object.fromEntries(LOCALES.map((l) => [l, MESSAGES[l].payments[list][i]])) as Record<Locale, string>;
    for (const l of LOCALES) KNOWN.set(texts[l], texts);
  }
}

/** A stored preset text in the reader's language; any other text as it is. */
export function localizeKnown(text: string, locale: Locale): string {
  return KNOWN.get(text)?.[locale] ?? text;
}
