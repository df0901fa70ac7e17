/**
 * A unique amount (唯一金额 / 立减尾数): for a customer who cannot type a reference into the transfer
 * (a personal payment code, a bank app that drops the memo), checkout asks for the order's amount less
 * a tail of a few fen that no other open order of the merchant asks. The amount then names the order.
 */

/** The largest tail, in fen: under one yuan, a discount too small to argue about. */
export const MAX_TAIL_FEN = 99;

/** The payable amounts a tail can make of `amount`, largest (smallest tail) first. */
export function payableCandidates(amount: number): number[] {
  const out: number[] = [];
  for (let tail = 1; tail <= Math.min(MAX_TAIL_FEN, amount - 1); tail++) out.push(amount - tail);
  return out;
}

/** The lowest and highest payable amount a tail can make of `amount`, or null when it is too small for one. */
export function payableRange(amount: number): { lowest: number; highest: number } | null {
  const maxTail = Math.min(MAX_TAIL_FEN, amount - 1);
  return maxTail >= 1 ? { lowest: amount - maxTail, highest: amount - 1 } : null;
}

/**
 * The payable amount with the smallest tail no open order has taken, or null when every one is taken.
 * The smallest tail costs the merchant least, and tells the customer the discount is only a marker.
 */
export function pickPayableAmount(amount: number, taken: Iterable<number>): number | null {
  const used = new Set(taken);
  return payableCandidates(amount).find((a) => !used.has(a)) ?? null;
}
