import { eq, ilike, or, type AnyColumn, type SQL } from "drizzle-orm";
import { MoneyFormatError, parseYuan } from "@/lib/core/money";

/**
 * The list pages' one search box: a substring of any text column, or — when the text reads as a
 * yuan amount ("128", "1,280.00") — also an exact amount (`toMinor` reads it in another currency's unit).
 * LIKE wildcards typed by the user are literal.
 */
export function searchCondition(text: string, columns: AnyColumn[], amountColumn: AnyColumn, toMinor: (amount: string) => number = parseYuan): SQL | undefined {
  const q = text.trim();
  if (!q) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const conditions = columns.map((c) => ilike(c, pattern));
  try {
    const fen = toMinor(q.replace(/^¥/, ""));
    if (fen > 0) conditions.push(eq(amountColumn, fen));
  } catch (err) {
    if (!(err instanceof MoneyFormatError)) throw err;
  }
  return or(...conditions);
}
