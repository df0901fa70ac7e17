import fs from "node:fs";
import path from "node:path";
import type { StatementLine } from "@/lib/core/statements";

const FIXTURES = path.resolve(__dirname, "../../../fixtures/statements");

/** Bytes of a fixture under tests/fixtures/statements. */
export const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

/** Credits that would become payments (reversals excluded). */
export const creditsOf = (lines: StatementLine[]) => lines.filter((l) => l.direction === "credit" && !l.reversal);
