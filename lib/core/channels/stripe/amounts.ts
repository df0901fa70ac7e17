import { NotificationFormatError } from "@/lib/core/channels/errors";
import { currencyCode, currencyExponent } from "@/lib/core/channels/generic/json-fields";

// Stripe's own decimal table (docs.stripe.com/currencies): amounts are integers in these exponents, which are not
// always ISO 4217's. ISK is zero-decimal in ISO but two-decimal at Stripe for backwards compatibility.
const STRIPE_ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
const STRIPE_THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

/** How many decimals Stripe's integer `amount` fields carry for a currency. */
export function stripeExponent(code: string): number {
  if (STRIPE_ZERO_DECIMAL.has(code)) return 0;
  if (STRIPE_THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/**
 * A Stripe integer amount in `currency` (lower-case as Stripe sends it) to our ISO 4217 minor units with the
 * upper-cased code: JPY 8800 stays 8800 yen; ISK 50000 (Stripe's 500.00) becomes 500 krónur. Inexact conversions throw.
 */
export function stripeAmountToMinorUnits(amount: number, currency: string, field: string): { amount: number; currency: string } {
  const code = currencyCode(currency, `${field}.currency`);
  const stripeDigits = stripeExponent(code);
  const isoDigits = currencyExponent(code, field);
  if (stripeDigits === isoDigits) return { amount, currency: code };
  if (stripeDigits < isoDigits) return { amount: amount * 10 ** (isoDigits - stripeDigits), currency: code };
  const divisor = 10 ** (stripeDigits - isoDigits);
  if (amount % divisor !== 0) throw new NotificationFormatError(field, `${amount} is not a whole ${code} minor unit (Stripe uses ${stripeDigits} decimals)`);
  return { amount: amount / divisor, currency: code };
}
