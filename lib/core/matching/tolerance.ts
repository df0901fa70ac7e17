import { parseYuan } from "@/lib/core/money";
import { WRITE_OFF_CAUSES, type WriteOffCause } from "@/lib/core/matching/types";

/**
 * A merchant's amount tolerance (rules table, kind "amount_tolerance"): a payment short of the
 * order's open amount by at most this much still settles the order, and the difference is written
 * off with `cause`. When both limits are set the shortfall must respect both ("0.6 %, at most ¥5").
 *
 * DEFAULT: there are no tolerance rules, so nothing short is settled automatically except what
 * the channel itself states as a discount (see channelStatedShortfall). A bank fee taken from a
 * transfer leaves the order partially_paid until the merchant adds a rule or decides by hand:
 * silently accepting less money is a decision the merchant must make once, explicitly.
 */
export interface ToleranceRule {
  name: string;
  /** Channels the rule applies to; empty = all channels. */
  channels: string[];
  maxShortfallFen: number | null;
  /** Percent of the order's open amount, e.g. 0.6 for 0.6 %. */
  maxShortfallPercent: number | null;
  cause: WriteOffCause;
}

const isCause = (v: unknown): v is WriteOffCause => typeof v === "string" && (WRITE_OFF_CAUSES as readonly string[]).includes(v);
const nonNegative = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);

/**
 * Reads `amount_tolerance` rule rows ({ conditions: { channels? }, actions: { maxShortfallFen?,
 * maxShortfallPercent?, cause } }) in position order; malformed rows are skipped, never guessed.
 */
export function parseToleranceRules(
  rows: readonly { name: string; enabled: boolean; conditions: Record<string, unknown>; actions: Record<string, unknown> }[],
): ToleranceRule[] {
  const rules: ToleranceRule[] = [];
  for (const row of rows) {
    if (!row.enabled) continue;
    const fen = nonNegative(row.actions.maxShortfallFen);
    const percent = nonNegative(row.actions.maxShortfallPercent);
    const cause = row.actions.cause;
    if ((fen === null && percent === null) || !isCause(cause)) continue;
    const channels = Array.isArray(row.conditions.channels) ? row.conditions.channels.filter((c): c is string => typeof c === "string") : [];
    rules.push({ name: row.name, channels, maxShortfallFen: fen === null ? null : Math.floor(fen), maxShortfallPercent: percent, cause });
  }
  return rules;
}

/** The first rule that accepts `shortfall` fen on an order whose open amount is `openAmount`, for `channel`. */
export function toleranceFor(rules: readonly ToleranceRule[], channel: string, shortfall: number, openAmount: number): ToleranceRule | null {
  if (shortfall <= 0) return null;
  for (const rule of rules) {
    if (rule.channels.length > 0 && !rule.channels.includes(channel)) continue;
    if (rule.maxShortfallFen !== null && shortfall > rule.maxShortfallFen) continue;
    // Integer comparison: shortfall / open ≤ p % ⇔ shortfall × 10000 ≤ p × 100 × open.
    if (rule.maxShortfallPercent !== null && shortfall * 10000 > Math.round(rule.maxShortfallPercent * 100) * openAmount) continue;
    return rule;
  }
  return null;
}

/** The largest shortfall any rule could accept for a payment of `amount` on `channel` (for candidate search). */
export function maxToleranceFen(rules: readonly ToleranceRule[], channel: string, amount: number): number {
  let max = 0;
  for (const rule of rules) {
    if (rule.channels.length > 0 && !rule.channels.includes(channel)) continue;
    // A percent of the open amount: the open amount is at most amount + shortfall, bounded here by 2 × amount.
    const byPercent = rule.maxShortfallPercent === null ? Infinity : Math.ceil((rule.maxShortfallPercent / 100) * amount * 2);
    const byFen = rule.maxShortfallFen ?? Infinity;
    const limit = Math.min(byPercent, byFen);
    if (Number.isFinite(limit)) max = Math.max(max, limit);
  }
  return max;
}

/** One part of a discount the channel itself reports. */
export interface StatedPart {
  cause: WriteOffCause;
  amount: number;
}

function fenOf(v: unknown): number | null {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "string" && v.trim() !== "") {
    try {
      return parseYuan(v);
    } catch {
      return null;
    }
  }
  return null;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);

// WeChat Pay promotion_detail[] amounts are integer fen; a coupon is funded by the merchant
// (merchant_contribute) or by WeChat / others (wechatpay_contribute, other_contribute).
function wechatParts(list: unknown): StatedPart[] {
  if (!Array.isArray(list)) return [];
  const parts: StatedPart[] = [];
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const p = item as Record<string, unknown>;
    const merchant = num(p.merchant_contribute) ?? 0;
    const platform = (num(p.wechatpay_contribute) ?? 0) + (num(p.other_contribute) ?? 0);
    const total = num(p.amount) ?? merchant + platform;
    if (merchant + platform === total) {
      if (merchant > 0) parts.push({ cause: "coupon", amount: merchant });
      if (platform > 0) parts.push({ cause: "platform_subsidy", amount: platform });
    } else if (total > 0) parts.push({ cause: "coupon", amount: total });
  }
  return parts;
}

// Alipay voucher_detail_list[] amounts are yuan strings; merchantContribute / otherContribute split the funding.
function alipayParts(list: unknown): StatedPart[] {
  if (!Array.isArray(list)) return [];
  const parts: StatedPart[] = [];
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const v = item as Record<string, unknown>;
    const total = fenOf(v.amount);
    const merchant = fenOf(v.merchantContribute ?? v.merchant_contribute) ?? 0;
    const other = fenOf(v.otherContribute ?? v.other_contribute) ?? 0;
    if (total === null || total <= 0) continue;
    if (merchant + other === total) {
      if (merchant > 0) parts.push({ cause: "coupon", amount: merchant });
      if (other > 0) parts.push({ cause: "platform_subsidy", amount: other });
    } else parts.push({ cause: "coupon", amount: total });
  }
  return parts;
}

/**
 * What the channel says about a payment smaller than its trade total: the gross (trade total) and the
 * discount parts that explain the gap, when the payment amount is the net. Reads WeChat
 * `amount.total` + `promotion_detail`, Alipay `total_amount` + `voucher_detail_list` (or,
 * without the list, `receipt_amount` equal to the payment), and a bank's `instructedAmount` +
 * `bankCharges` (camt: the charges it deducted). Null when the channel states
 * nothing, or when its parts do not add up to the gap (then a tolerance rule or a person decides).
 */
export function channelStatedShortfall(amount: number, details: Record<string, unknown>): { gross: number; parts: StatedPart[] } | null {
  // A bank statement (camt) that books a transfer net of its charges states the instructed amount and them.
  const instructed = num(details.instructedAmount);
  const charges = num(details.bankCharges);
  if (instructed !== null && charges !== null && charges > 0 && instructed - charges === amount) return { gross: instructed, parts: [{ cause: "bank_fee", amount: charges }] };
  const wechat = details.amount && typeof details.amount === "object" ? (details.amount as Record<string, unknown>) : null;
  const gross = num(wechat?.total) ?? fenOf(details.total_amount);
  if (gross === null || gross <= amount) return null;
  const gap = gross - amount;
  const parts = [...wechatParts(details.promotion_detail), ...alipayParts(details.voucher_detail_list)];
  const stated = parts.reduce((s, p) => s + p.amount, 0);
  if (parts.length > 0 && stated === gap) return { gross, parts };
  // No itemised list: Alipay's receipt_amount is what the merchant actually received, so a gap to
  // total_amount is a merchant-funded discount. (WeChat always itemises coupons in promotion_detail.)
  if (parts.length === 0 && fenOf(details.receipt_amount) === amount) return { gross, parts: [{ cause: "coupon", amount: gap }] };
  return null;
}
