import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { LOCALES, MESSAGES } from "@/lib/i18n/messages";

function leaves(node: unknown, prefix = ""): [string, string][] {
  if (typeof node === "string") return [[prefix, node]];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogue under next-intl", () => {
  it.each(LOCALES)("every %s message parses as ICU and fills its placeholders", (locale) => {
    const errors: string[] = [];
    const t = createTranslator({ locale, messages: MESSAGES[locale], onError: (e) => errors.push(e.message) });
    for (const [key, text] of leaves(MESSAGES[locale])) {
      const values = Object.fromEntries(placeholders(text).map((name) => [name, `<${name}>`]));
      const out = (t as unknown as (k: string, v: Record<string, string>) => string)(key, values);
      expect(out, key).not.toMatch(/\{\w+\}/);
      for (const name of Object.keys(values)) expect(out, key).toContain(`<${name}>`);
    }
    expect(errors).toEqual([]);
  });

  it("both languages ask for the same placeholders in each message", () => {
    const en = new Map(leaves(MESSAGES.en));
    for (const [key, text] of leaves(MESSAGES["zh-CN"])) expect(placeholders(en.get(key) ?? ""), key).toEqual(placeholders(text));
  });

  it("fills a board message the way the board calls it", () => {
    const t = createTranslator({ locale: "en", messages: MESSAGES.en, namespace: "board" });
    expect(t("matchRateDetail", { matched: 1234, total: 4567 })).toBe("1234 of 4567 matched");
  });
});
