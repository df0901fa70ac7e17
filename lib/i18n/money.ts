import { formatYuan, minorDigits } from "@/lib/core/money";
import type { Locale } from "@/lib/i18n/messages";


/** Integer minor units as an exact decimal string ("-123456", 2 → "-1234.56"), never through a float. */
function decimalString(minor: number, digits: number): string {
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  const sign = minor < 0 ? "-" : "";
  return digits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/**
 * An amount in integer minor units of its currency, for display: CNY as everywhere else ("¥1,234.56"),
 * another currency with its own symbol and minor digits ("€12.50", "CHF 1,234.50", "JPY 1,200"). A
 * foreign currency never shows a bare ¥ (JPY in English), which would read as yuan here; a code Intl
 * does not know is shown as "XYZ 12.34".
 */
export function formatMoney(minor: number, currency: string | null | undefined, locale: Locale): string {
  const code = (currency || "CNY").toUpperCase();
  if (code === "CNY") return formatYuan(minor);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount in minor units must be a safe integer, got ${minor}`);
  const digits = minorDigits(code);
  const amount = decimalString(minor, digits) as `${number}`;
  try {
    const options = { style: "currency", currency: code, minimumFractionDigits: digits, maximumFractionDigits: digits } as const;
    const symbol = new Intl.NumberFormat(locale, options).format(amount);
    return /(^|[^A-Za-z])[¥￥]/.test(symbol) ? new Intl.NumberFormat(locale, { ...options, currencyDisplay: "code" }).format(amount) : symbol;
  } catch {
    return `${code} ${decimalString(minor, digits)}`;
  }
}
