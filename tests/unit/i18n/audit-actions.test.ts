// Every audit action the code can write has a label in both languages: the audit log and an order's
// fund trail show the label, and a missing one shows the raw code (payment.left_unmatched) to the merchant.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditActionLabel, LOCALES, MESSAGES } from "@/lib/i18n/messages";
import { AUDIT_AREAS } from "@/lib/services/audit-log";

const ROOT = path.resolve(__dirname, "../../..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The literals matching `literal` in every `property:` of lib/ and app/ (plain or chosen by a condition). */
function literalsOf(property: string, literal: RegExp): string[] {
  const found = new Set<string>();
  for (const file of [...sources(path.join(ROOT, "lib")), ...sources(path.join(ROOT, "app"))]) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(new RegExp(`\\b${property}: ([^,\\n}]+)`, "g"))) {
      for (const l of m[1].matchAll(literal)) found.add(l[1]);
    }
  }
  return [...found].sort();
}

describe("audit action labels", () => {
  const actions = literalsOf("action", /"([a-z_]+\.[a-z_]+)"/g);

  it("finds the actions the code writes", () => {
    expect(actions).toEqual(expect.arrayContaining(["order.created", "payment.matched", "payment.left_unmatched", "statement.bulk_matched"]));
  });

  it.each(LOCALES)("every one has a %s label", (locale) => {
    const missing = actions.filter((a) => auditActionLabel(MESSAGES[locale].auditLog.actions, a) === a);
    expect(missing).toEqual([]);
  });
});

describe("audit subject types", () => {
  it("every subject type the code writes belongs to an area of the log's filter (and so to its search by id)", () => {
    const types = literalsOf("subjectType", /^"([a-z_]+)"/g);
    expect(types).toEqual(expect.arrayContaining(["order", "payment", "statement"]));
    const grouped = new Set<string>(Object.values(AUDIT_AREAS).flat());
    expect(types.filter((x) => !grouped.has(x))).toEqual([]);
    for (const locale of LOCALES) expect(types.filter((x) => !(x in MESSAGES[locale].auditLog.subjectTypes)), locale).toEqual([]);
  });
});
