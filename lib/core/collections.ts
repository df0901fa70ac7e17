/**
 * Items grouped by a key, in their order, each group a list of `value(item)` (the item itself by
 * default). Linear: the groups grow in place, so a merchant's 100,000 payments cost 100,000 pushes.
 */
export function groupBy<T, K, V = T>(items: Iterable<T>, key: (item: T) => K, value: (item: T) => V = (item) => item as unknown as V): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(value(item));
    else groups.set(k, [value(item)]);
  }
  return groups;
}

/**
 * The items in runs of at most `size`, in order: a list of ids bound as query parameters must stay well
 * under PostgreSQL's 65,535 per statement, however many a merchant has.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}
