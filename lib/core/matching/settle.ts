import { amountIn, causeWords } from "@/lib/core/matching/explain";
import { channelStatedShortfall, toleranceFor, type ToleranceRule } from "@/lib/core/matching/tolerance";
import type { AmountMismatch, CandidateOrder, Explanation, PaymentFacts, WriteOffDecision } from "@/lib/core/matching/types";

/** What becomes of the difference between a payment and the open amount of the order(s) it pays. */
export interface Settlement {
  writeOffs: WriteOffDecision[];
  mismatch: AmountMismatch | null;
  note: Explanation | null;
}

/**
 * The tail of a unique amount paid as asked, as a write-off: the customer paid the one order exactly the
 * amount checkout asked for, before anything else was paid on it. The tail is the merchant's discount, not a debt.
 */
export function uniqueAmountWriteOff(lines: readonly { order: CandidateOrder; amount: number }[]): WriteOffDecision | null {
  if (lines.length !== 1) return null;
  const [{ order, amount }] = lines;
  if (askedUniqueAmount(order) !== amount) return null;
  return { orderId: order.id, amount: order.amount - amount, cause: "unique_amount", source: "checkout" };
}

/** The unique amount the order still asks (checkout gave it one and nothing is paid on it yet), or null. */
export function askedUniqueAmount(order: CandidateOrder): number | null {
  return order.payableAmount != null && order.openAmount === order.amount ? order.payableAmount : null;
}

/**
 * What happens to the difference between a payment and the open amount of the order(s) it pays:
 * the tail of a unique amount checkout asked for is written off; a discount the channel states is written off with its cause; otherwise a merchant tolerance rule
 * may accept a small shortfall; anything else is an amount mismatch left visible.
 */
export function settle(
  p: PaymentFacts,
  orders: readonly { order: CandidateOrder; amount: number }[],
  rules: readonly ToleranceRule[],
): Settlement {
  // Amounts in the payment's currency: yuan as ever, dollars as USD 12.80.
  const money = (minor: number) => amountIn(minor, p.currency);
  const expected = orders.reduce((s, o) => s + o.order.openAmount, 0);
  const allocated = orders.reduce((s, o) => s + o.amount, 0);
  const references = orders.map((o) => o.order.reference);
  if (p.amount > expected) {
    const diff = p.amount - expected;
    return {
      writeOffs: [],
      mismatch: { kind: "over", expected, received: p.amount, difference: diff, references },
      note: { zh: `多付 ${money(diff)}`, en: `${money(diff)} more than expected` },
    };
  }
  const shortfall = expected - allocated;
  if (shortfall <= 0) return { writeOffs: [], mismatch: null, note: null };
  const tail = uniqueAmountWriteOff(orders);
  if (tail) {
    return {
      writeOffs: [tail],
      mismatch: null,
      note: {
        zh: `付款等于结账时给出的唯一金额 ${money(allocated)}，立减的 ${money(tail.amount)} 已核销`,
        en: `the payment is the unique amount ${money(allocated)} checkout asked for; its ${money(tail.amount)} discount is written off`,
      },
    };
  }
  const remaining = orders.map((o) => ({ orderId: o.order.id, left: o.order.openAmount - o.amount })).filter((r) => r.left > 0);
  const stated = channelStatedShortfall(p.amount, p.details);
  if (stated && stated.gross - p.amount === shortfall && remaining.length === 1) {
    const words = stated.parts.map((x) => causeWords(x.cause));
    return {
      writeOffs: stated.parts.map((x) => ({ orderId: remaining[0].orderId, amount: x.amount, cause: x.cause, source: "channel" as const })),
      mismatch: null,
      note: {
        zh: `少收 ${money(shortfall)} 为渠道注明的${words.map((w) => w.zh).join("、")}，已核销`,
        en: `the ${money(shortfall)} gap is a ${words.map((w) => w.en).join(" and ")} stated by the channel, written off`,
      },
    };
  }
  const rule = toleranceFor(rules, p.channel, shortfall, expected);
  if (rule) {
    const w = causeWords(rule.cause);
    return {
      writeOffs: remaining.map((r) => ({ orderId: r.orderId, amount: r.left, cause: rule.cause, source: "rule" as const, rule: rule.name })),
      mismatch: null,
      note: {
        zh: `少收 ${money(shortfall)} 在容差规则「${rule.name}」之内，按${w.zh}核销`,
        en: `the ${money(shortfall)} shortfall is within tolerance rule "${rule.name}", written off as ${w.en}`,
      },
    };
  }
  return {
    writeOffs: [],
    mismatch: { kind: "short", expected, received: allocated, difference: allocated - expected, references },
    note: { zh: `比应付少 ${money(shortfall)}，订单仍有未付金额`, en: `${money(shortfall)} short, the order stays partly open` },
  };
}
