import { NotificationFormatError } from "@/lib/core/channels/errors";
import { isIsoCurrency, minorDigits } from "@/lib/core/money";

// Shared by the JSON-bodied channel adapters (WeChat Pay, Douyin, Stripe, PayPal, generic): every read goes through
// these so a missing or mistyped field surfaces as a NotificationFormatError naming its dotted path.

/** A decoded JSON object. */
export type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses text that must be a JSON object; `field` names it in the error. */
export function parseJsonObject(text: string, field: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NotificationFormatError(field, "not valid JSON", { cause: error });
  }
  if (!isObject(parsed)) throw new NotificationFormatError(field, "not a JSON object");
  return parsed;
}

// Own properties only, so a payload never "has" `constructor` or `toString` through the prototype.
const own = (obj: JsonObject, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);
const join = (path: string, key: string) => (path === "" ? key : `${path}.${key}`);

/** A nested object, or undefined when absent/null; throws when present with another type. */
export function optionalObject(obj: JsonObject, key: string, path = ""): JsonObject | undefined {
  const value = own(obj, key);
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new NotificationFormatError(join(path, key), "not an object");
  return value;
}

/** A nested object that must be present. */
export function requiredObject(obj: JsonObject, key: string, path = ""): JsonObject {
  const value = optionalObject(obj, key, path);
  if (value === undefined) throw new NotificationFormatError(join(path, key), "required field is missing");
  return value;
}

/** A non-empty string, or undefined when absent, null or empty; throws when present with another type. */
export function optionalString(obj: JsonObject, key: string, path = ""): string | undefined {
  const value = own(obj, key);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new NotificationFormatError(join(path, key), "not a string");
  return value;
}

/** A non-empty string that must be present. */
export function requiredString(obj: JsonObject, key: string, path = ""): string {
  const value = optionalString(obj, key, path);
  if (value === undefined) throw new NotificationFormatError(join(path, key), "required field is missing or empty");
  return value;
}

/** A non-negative safe integer (JSON number), or undefined when absent/null. */
export function optionalCount(obj: JsonObject, key: string, path = ""): number | undefined {
  const value = own(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new NotificationFormatError(join(path, key), `not a non-negative integer: ${JSON.stringify(value)}`);
  }
  return value;
}

/** A non-negative safe integer that must be present. */
export function requiredCount(obj: JsonObject, key: string, path = ""): number {
  const value = optionalCount(obj, key, path);
  if (value === undefined) throw new NotificationFormatError(join(path, key), "required field is missing");
  return value;
}

/** The raw value of a field, for keeping channel detail lists verbatim. */
export function rawField(obj: JsonObject, key: string): unknown {
  return own(obj, key);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** RFC 3339 with an explicit offset ("2026-11-25T10:00:05+08:00") to UTC ISO with milliseconds. */
export function rfc3339ToIso(text: string, field: string): string {
  const m = RFC3339.exec(text);
  if (!m) throw new NotificationFormatError(field, `not an RFC 3339 time with offset: "${text}"`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  // Date.parse rolls "02-30" over into March; reject impossible calendar values explicitly.
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new NotificationFormatError(field, `impossible calendar time: "${text}"`);
  }
  return new Date(Date.parse(text)).toISOString();
}

/** Unix seconds (number or digit string) to UTC ISO with milliseconds. */
export function unixSecondsToIso(value: unknown, field: string): string {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d{1,11}$/.test(text)) throw new NotificationFormatError(field, `not unix seconds: ${JSON.stringify(value)}`);
  return new Date(Number(text) * 1000).toISOString();
}

/** ISO 4217 code, upper-cased and checked against the runtime's currency data. */
export function currencyCode(value: string, field: string): string {
  const code = value.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new NotificationFormatError(field, `not an ISO 4217 code: "${value}"`);
  currencyExponent(code, field);
  return code;
}

/** Number of minor-unit digits ISO 4217 defines for a currency (CNY 2, JPY 0, KWD 3). */
export function currencyExponent(code: string, field: string): number {
  if (!isIsoCurrency(code)) throw new NotificationFormatError(field, `unknown currency "${code}"`);
  return minorDigits(code);
}

/**
 * An exact decimal major-unit string ("10.00", "100" for JPY) to integer minor units of `currency`; more fraction
 * digits than the currency has (unless they are zeros) and anything float-like is refused, never rounded.
 */
export function decimalToMinorUnits(value: string, currency: string, field: string): number {
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(value);
  if (!m) throw new NotificationFormatError(field, `not a plain non-negative decimal: "${value}"`);
  const exponent = currencyExponent(currency, field);
  const fraction = m[2] ?? "";
  if (/[1-9]/.test(fraction.slice(exponent))) throw new NotificationFormatError(field, `"${value}" is finer than one minor unit of ${currency}`);
  const minor = Number(m[1] + fraction.slice(0, exponent).padEnd(exponent, "0"));
  if (!Number.isSafeInteger(minor)) throw new NotificationFormatError(field, `"${value}" is out of range`);
  return minor;
}

/** Drops undefined entries so details hold only what the channel sent. */
export function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}
