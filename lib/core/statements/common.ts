import { minorDigits, MoneyFormatError, parseYuan } from "@/lib/core/money";

/** Thrown inside a parser for one bad line; the parser turns it into a rejection with the line number. */
export class LineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LineError";
  }
}

/** A yuan/major-unit cell ("1,234.56", "¥88", "-0.50") → signed minor units; a LineError names the column otherwise. */
export function majorUnits(value: string, column: string): number {
  const cleaned = value.replace(/^[+]/, "").replace(/[¥￥元\s]/g, "");
  try {
    return parseYuan(cleaned);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new LineError(`${column}: "${value}" is not an amount`);
    throw error;
  }
}

/** Distinct non-empty texts, whitespace collapsed, joined with " | " (null when there are none). */
export function joinMemo(parts: (string | null | undefined)[]): string | null {
  const seen: string[] = [];
  for (const part of parts) {
    const t = part?.replace(/\s+/g, " ").trim();
    if (t && !seen.includes(t)) seen.push(t);
  }
  return seen.length ? seen.join(" | ") : null;
}

/** Trimmed text or null when empty. */
export const textOrNull = (v: string | null | undefined) => {
  const t = v?.replace(/\s+/g, " ").trim();
  return t ? t : null;
};

// Chinese names as banks print them, and the ISO numeric codes some exports carry instead (156 for 人民币).
const CURRENCY_NAMES: Record<string, string> = {
  人民币: "CNY", 人民币元: "CNY", RMB: "CNY", 美元: "USD", 美金: "USD", 港币: "HKD", 港元: "HKD", 欧元: "EUR", 日元: "JPY", 英镑: "GBP",
  澳元: "AUD", 加元: "CAD", 新加坡元: "SGD", 韩元: "KRW", 瑞士法郎: "CHF", 澳门元: "MOP", 新台币: "TWD",
  "156": "CNY", "840": "USD", "344": "HKD", "978": "EUR", "392": "JPY", "826": "GBP",
};

/** 币种 cell → ISO 4217 (CNY when blank); a LineError when it is neither a code nor a known name. */
export function currencyCode(value: string): string {
  const v = value.trim();
  if (!v) return "CNY";
  const code = CURRENCY_NAMES[v] ?? CURRENCY_NAMES[v.toUpperCase()] ?? v.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new LineError(`currency "${value}" is not an ISO 4217 code`);
  return code;
}

/** Rejection text for anything a line parser threw (LineError message, or a generic reason). */
export function reasonOf(error: unknown): string {
  return error instanceof LineError ? error.message : `unreadable line (${error instanceof Error ? error.name : "error"})`;
}


/**
 * Re-scales an amount parsed at two decimals (parseYuan / parseDecimalComma) to the minor units of
 * `currency`: unchanged for CNY/EUR/CHF, divided for JPY-like currencies, a LineError when precision would be lost.
 */
export function toMinorUnits(hundredths: number, currency: string, column: string): number {
  const digits = minorDigits(currency);
  if (digits === 2) return hundredths;
  if (digits === 0 && hundredths % 100 === 0) return hundredths / 100;
  throw new LineError(`${column}: ${currency} amounts with ${digits} minor digits are not supported`);
}
