import { extractReferences, normalizeReference } from "@/lib/core/reference";
import { amountIn } from "@/lib/core/matching/explain";
import type { Explanation } from "@/lib/core/matching/types";

export interface PaymentForMatching {
  amount: number;
  /** ISO 4217 of the amount (yuan when not said): explanations name it. */
  currency?: string;
  /** The reference field the channel echoed back (out_trade_no…), if any. */
  reference: string | null;
  memo: string | null;
}

export interface OpenOrder {
  id: string;
  reference: string;
  amount: number;
  /** Amount still to be paid (amount − allocated + refunded), never below 0. */
  openAmount: number;
}

export interface MatchDecision {
  method: "reference" | "reference_in_memo" | "multi_reference";
  confidence: number;
  allocations: { orderId: string; reference: string; amount: number }[];
  explanation: Explanation;
}

/** References worth looking up for a payment: the echoed field first, then those found in the memo. */
export function referenceCandidates(p: PaymentForMatching): { field: string | null; memo: string[] } {
  const field = p.reference ? normalizeReference(p.reference) : null;
  const memo = p.memo ? extractReferences(p.memo).filter((r) => r !== field) : [];
  return { field, memo };
}

function amountNote(paid: number, order: OpenOrder, currency = "CNY"): Explanation {
  if (paid === order.amount) return FULL_AMOUNT_NOTE;
  if (paid === order.openAmount) return { zh: "金额等于订单未付金额", en: "amount equals the order's open amount" };
  const diff = paid - order.openAmount;
  const money = (minor: number) => amountIn(minor, currency);
  return diff > 0
    ? { zh: `比未付金额多 ${money(diff)}`, en: `${money(diff)} more than the open amount` }
    : { zh: `比未付金额少 ${money(-diff)}`, en: `${money(-diff)} less than the open amount` };
}

/** Why an exact (single-reference) match was made, in both languages. */
export function exactExplanation(method: "reference" | "reference_in_memo", reference: string, note: Explanation): Explanation {
  return method === "reference"
    ? { zh: `渠道回传的商户订单号 ${reference} 对应此订单；${note.zh}`, en: `the channel returned our reference ${reference}; ${note.en}` }
    : { zh: `附言包含订单参考号 ${reference}（校验位有效）；${note.zh}`, en: `memo contains reference ${reference} (check character valid); ${note.en}` };
}

/** The note for a payment that equals its order's full amount. */
export const FULL_AMOUNT_NOTE: Explanation = { zh: "金额与订单金额一致", en: "amount equals order amount" };

/**
 * Exact matching: a reference the channel echoed back, or valid references found in the memo,
 * that belong to the merchant's orders. `ordersByReference` holds only the merchant's orders.
 */
export function decideExactMatch(
  p: PaymentForMatching,
  ordersByReference: ReadonlyMap<string, OpenOrder>,
): MatchDecision | null {
  const { field, memo } = referenceCandidates(p);
  const fieldOrder = field ? ordersByReference.get(field) : undefined;
  if (fieldOrder) {
    const note = amountNote(p.amount, fieldOrder, p.currency);
    return {
      method: "reference",
      confidence: 1,
      allocations: [{ orderId: fieldOrder.id, reference: fieldOrder.reference, amount: p.amount }],
      explanation: exactExplanation("reference", fieldOrder.reference, note),
    };
  }
  const found = memo.map((r) => ordersByReference.get(r)).filter((o): o is OpenOrder => !!o);
  if (found.length === 1) {
    const order = found[0];
    const note = amountNote(p.amount, order, p.currency);
    return {
      method: "reference_in_memo",
      confidence: 1,
      allocations: [{ orderId: order.id, reference: order.reference, amount: p.amount }],
      explanation: exactExplanation("reference_in_memo", order.reference, note),
    };
  }
  if (found.length > 1) {
    // One transfer paying several orders: fill each order's open amount in memo order; any surplus
    // stays unallocated rather than being guessed onto one of them.
    let left = p.amount;
    const allocations: { orderId: string; reference: string; amount: number }[] = [];
    for (const order of found) {
      const take = Math.min(left, order.openAmount);
      if (take > 0) allocations.push({ orderId: order.id, reference: order.reference, amount: take });
      left -= take;
    }
    if (allocations.length === 0) return null;
    const refs = found.map((o) => o.reference).join(", ");
    const exact = left === 0 && found.every((o, i) => allocations[i]?.amount === o.openAmount);
    return {
      method: "multi_reference",
      confidence: 1,
      allocations,
      explanation: {
        zh: `附言包含 ${found.length} 个订单参考号（${refs}）；${exact ? "金额等于各订单未付金额之和" : "金额与各订单未付金额之和不一致"}`,
        en: `memo contains ${found.length} references (${refs}); ${exact ? "amount equals the sum of their open amounts" : "amount differs from the sum of their open amounts"}`,
      },
    };
  }
  return null;
}
