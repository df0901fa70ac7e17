// Amounts are integer fen (1 yuan = 100 fen) everywhere inside the system. Channels hand us
// decimal strings; converting them through floats would turn "0.29" into 28.999… fen, so the
// conversion below is pure string manipulation plus an exact string-to-integer step.

/** Thrown when a channel amount string is not an exact yuan amount that converts to whole fen. */
export class MoneyFormatError extends Error {
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`Invalid money amount ${JSON.stringify(value)}: ${reason}`);
    this.name = "MoneyFormatError";
  }
}

// More than 15 integer digits cannot be a real payment and would not fit a safe integer in fen.
const MAX_INTEGER_DIGITS = 15;

const DECIMAL_POINT_AMOUNT = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;
// MT940 writes the comma even without decimals ("105,"), and never groups thousands.
const DECIMAL_COMMA_AMOUNT = /^([+-]?)(\d+)(?:,(\d*))?$/;

function toFen(raw: unknown, pattern: RegExp, groupSeparator: string | null): number {
  if (typeof raw !== "string") throw new MoneyFormatError(String(raw), "expected a string");
  const match = pattern.exec(raw.trim());
  if (!match) throw new MoneyFormatError(raw, "not a plain decimal amount");
  const [, sign, groupedInteger, fraction = ""] = match;
  const integer = (groupSeparator ? groupedInteger.replaceAll(groupSeparator, "") : groupedInteger).replace(/^0+(?=\d)/, "");
  if (integer.length > MAX_INTEGER_DIGITS) throw new MoneyFormatError(raw, `more than ${MAX_INTEGER_DIGITS} integer digits`);
  // WeChat bills print fees as "0.10000": digits past the fen are tolerated only when they are zeros.
  if (/[1-9]/.test(fraction.slice(2))) throw new MoneyFormatError(raw, "finer than one fen");
  const fen = Number(integer + fraction.slice(0, 2).padEnd(2, "0"));
  if (!Number.isSafeInteger(fen)) throw new MoneyFormatError(raw, "out of range");
  return sign === "-" && fen !== 0 ? -fen : fen;
}

/** Exact yuan decimal string ("1,234.56", "-88", " 0.10000 ") to integer fen; throws MoneyFormatError otherwise. */
export function parseYuan(s: string): number {
  return toFen(s, DECIMAL_POINT_AMOUNT, ",");
}

/** Exact decimal-comma amount as in MT940 statements ("105,20", "105,") to integer fen; throws MoneyFormatError otherwise. */
export function parseDecimalComma(s: string): number {
  return toFen(s, DECIMAL_COMMA_AMOUNT, null);
}

function splitFen(fen: number): { sign: string; yuan: string; fraction: string } {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Amount in fen must be a safe integer, got ${fen}`);
  const digits = String(Math.abs(fen)).padStart(3, "0");
  return { sign: fen < 0 ? "-" : "", yuan: digits.slice(0, -2), fraction: digits.slice(-2) };
}

/** Fen as a display string with thousands separators: "¥1,234.56", "-¥0.50", or "1,234.56" with `symbol: false`. */
export function formatYuan(fen: number, opts: { symbol?: boolean } = {}): string {
  const { sign, yuan, fraction } = splitFen(fen);
  const grouped = yuan.replace(/\B(?=(\d{3})+$)/g, ",");
  return `${sign}${opts.symbol === false ? "" : "¥"}${grouped}.${fraction}`;
}

/** Fen as the plain two-decimal yuan string channels expect in requests: "1234.56", "-0.50". */
export function toYuanString(fen: number): string {
  const { sign, yuan, fraction } = splitFen(fen);
  return `${sign}${yuan}.${fraction}`;
}

let isoCurrencies: Set<string> | null = null;

/** Whether Intl knows the code as an ISO 4217 currency (it formats any well-formed code, "ZZZ" included, so its list decides). */
export function isIsoCurrency(code: string): boolean {
  isoCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
  return isoCurrencies.has(code);
}

/**
 * Minor digits of an ISO 4217 currency as Intl knows them (CNY 2, JPY 0, KWD 3); 2 for a code it cannot format.
 * Intl's table (CLDR: the decimals people write) differs from ISO's for a few (HUF, IDR, COP: 0 here, 2 in ISO);
 * stored amounts are counted in these digits, so changing them would need a migration of those currencies' rows.
 */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Whether a code is an ISO 4217 currency whose amounts we keep in minor units: those with 0 or 2
 * minor digits (CNY, USD, JPY…). Three-digit currencies (KWD, BHD) are refused everywhere, as the
 * statement importers refuse them, rather than stored at a scale nothing else reads.
 */
export function isSupportedCurrency(code: string): boolean {
  if (!isIsoCurrency(code)) return false;
  const digits = minorDigits(code);
  return digits === 0 || digits === 2;
}

/**
 * An amount a person types in the currency's major unit ("159.00" for CNY, "1,500" for JPY) to its
 * minor units; MoneyFormatError when it is not exact in that currency (JPY has no fraction).
 */
export function parseMajor(s: string, currency: string): number {
  const hundredths = parseYuan(s);
  if (minorDigits(currency) !== 0) return hundredths;
  if (hundredths % 100 !== 0) throw new MoneyFormatError(s, `${currency} has no minor unit`);
  return hundredths / 100;
}

/** Minor units as the plain major-unit string a person would type them: "159.00"; "1500" for JPY. */
export function toMajorString(minor: number, currency: string): string {
  return minorDigits(currency) === 0 ? String(minor) : toYuanString(minor);
}
