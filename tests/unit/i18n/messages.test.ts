import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { LOCALES, MESSAGES } from "@/lib/i18n/messages";

function leaves(node: unknown, prefix = ""): [string, string][] {
  if (typeof node === "string") return [[prefix, node]];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

// An argument is `{name}` or `{name, plural, …}`; a plural's branch (`one {# day}`, `=0 {today}`) is no argument.
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/(?<!(?:=\d+|zero|one|two|few|many|other)\s*)\{(\w+)(?=[,}])/g)].map((m) => m[1]))].sort();
const plurals = (text: string) => new Set([...text.matchAll(/\{(\w+),\s*plural,/g)].map((m) => m[1]));

describe("message catalogue under next-intl", () => {
  it.each(LOCALES)("every %s message parses as ICU and fills its placeholders", (locale) => {
    const errors: string[] = [];
    const t = createTranslator({ locale, messages: MESSAGES[locale], onError: (e) => errors.push(e.message) });
    for (const [key, text] of leaves(MESSAGES[locale])) {
      const counted = plurals(text);
      const values = Object.fromEntries(placeholders(text).map((name) => [name, counted.has(name) ? 2 : `<${name}>`]));
      const out = (t as unknown as (k: string, v: Record<string, string | number>) => string)(key, values);
      expect(out, key).not.toMatch(/\{\w+\}/);
      for (const [name, value] of Object.entries(values)) expect(out, key).toContain(typeof value === "number" ? String(value) : `<${name}>`);
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

describe("counts in English", () => {
  type Translate = (key: string, values: Record<string, number>) => string;
  const en = (namespace: string) => createTranslator({ locale: "en", messages: MESSAGES.en, namespace: namespace as "board" }) as unknown as Translate;
  const zh = (namespace: string) => createTranslator({ locale: "zh-CN", messages: MESSAGES["zh-CN"], namespace: namespace as "board" }) as unknown as Translate;

  it("say one of a thing in the singular", () => {
    expect(en("board")("paymentsCount", { count: 1 })).toBe("1 payment");
    expect(en("board")("paymentsCount", { count: 3 })).toBe("3 payments");
    expect(en("payments")("bulkIgnoreHeading", { count: 1 })).toBe("Ignore the selected payment");
    expect(en("payments")("bulkIgnoreHeading", { count: 4 })).toBe("Ignore the 4 selected payments");
    expect(en("imports")("fileFigures", { imported: 2, duplicates: 1, matched: 1, pending: 0 })).toBe("2 imported · 1 duplicate · 1 matched · 0 to handle");
    expect(en("settings.channels")("certificatesExpiring", { days: 1 })).toMatch(/^A certificate expires in 1 day:/);
    expect(en("settings.channels")("certificatesExpiring", { days: 0 })).toMatch(/^A certificate expires today:/);
    expect(en("settings.channels")("certificatesExpiring", { days: 9 })).toMatch(/^A certificate expires in 9 days:/);
  });

  it("leave the Chinese as it reads", () => {
    expect(zh("board")("paymentsCount", { count: 1 })).toBe("1 笔收款");
    expect(zh("settings.channels")("certificatesExpiring", { days: 9 })).toMatch(/^证书 9 天后到期：/);
    expect(zh("settings.channels")("certificatesExpiring", { days: 0 })).toMatch(/^证书今天到期：/);
  });
});
