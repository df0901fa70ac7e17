/** An item that may be part of a group: an order id with its open amount. */
export interface SumItem {
  id: string;
  amount: number;
}

/**
 * Groups of `minSize`..`maxSize` items whose amounts add up exactly to `target`, smallest size
 * only (the first size that has any), at most `limit` of them, in a deterministic order.
 * Bounded work: beyond `maxItems` items the search is refused (null) rather than guessed,
 * because a payer with that many open orders is no case for an automatic sum match.
 */
export function exactSumGroups(
  items: readonly SumItem[],
  target: number,
  opts: { minSize?: number; maxSize?: number; limit?: number; maxItems?: number } = {},
): SumItem[][] | null {
  const { minSize = 2, maxSize = 5, limit = 20, maxItems = 40 } = opts;
  const usable = items.filter((i) => i.amount > 0 && i.amount <= target);
  if (usable.length > maxItems) return null;
  // Descending amounts let the search prune as soon as the remaining items cannot reach the target.
  const sorted = [...usable].sort((a, b) => b.amount - a.amount || (a.id < b.id ? -1 : 1));
  const suffixSums: number[] = new Array(sorted.length + 1).fill(0);
  for (let i = sorted.length - 1; i >= 0; i--) suffixSums[i] = suffixSums[i + 1] + sorted[i].amount;
  for (let size = minSize; size <= maxSize; size++) {
    const found: SumItem[][] = [];
    const pick: SumItem[] = [];
    const search = (start: number, left: number) => {
      if (found.length >= limit) return;
      if (pick.length === size) {
        if (left === 0) found.push([...pick]);
        return;
      }
      const need = size - pick.length;
      for (let i = start; i <= sorted.length - need; i++) {
        if (found.length >= limit) return;
        const a = sorted[i].amount;
        if (a > left) continue;
        // The largest remaining amounts are at i..: if even `need` of them starting here fall short, stop.
        if (a * need < left) return;
        if (suffixSums[i] < left) return;
        pick.push(sorted[i]);
        search(i + 1, left - a);
        pick.pop();
      }
    };
    search(0, target);
    if (found.length > 0) return found;
  }
  return [];
}
