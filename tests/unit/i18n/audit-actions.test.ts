// Every audit action the code can write has a label in both languages: the audit log and an order's
// fund trail show the label, and a missing one shows the raw code (payment.left_unmatched) to the merchant.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditActionLabel, LOCALES, MESSAGES } from "@/lib/i18n/messages";

const ROOT = path.resolve(__dirname, "../../..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The "group.verb" literals in every `action:` property of lib/ and app/ (plain or chosen by a condition). */
function auditActions(): string[] {
  const found = new Set<string>();
  for (const file of [...sources(path.join(ROOT, "lib")), ...sources(path.join(ROOT, "app"))]) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(/\baction: ([^,\n}]+)/g)) {
      for (const literal of m[1].matchAll(/"([a-z_]+\.[a-z_]+)"/g)) found.add(literal[1]);
    }
  }
  return [...found].sort();
}

describe("audit action labels", () => {
  const actions = auditActions();

  it("finds the actions the code writes", () => {
    expect(actions).toEqual(expect.arrayContaining(["order.created", "payment.matched", "payment.left_unmatched", "statement.bulk_matched"]));
  });

  it.each(LOCALES)("every one has a %s label", (locale) => {
    const missing = actions.filter((a) => auditActionLabel(MESSAGES[locale].auditLog.actions, a) === a);
    expect(missing).toEqual([]);
  });
});
