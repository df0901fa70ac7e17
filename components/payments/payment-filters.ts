// The payments list's filters as the URL holds them: what counts as narrowing it, and a range that cannot match.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether the list is narrowed by anything but its tab: then "nothing here" means "nothing matches". */
export function hasActiveFilters(values: Record<string, string | undefined>): boolean {
  return ["q", "channel", "from", "to", "statementId"].some((k) => !!values[k]) || (!!values.status && values.status !== "pending");
}

/** A start after the end: the list is not asked (it would answer an empty page), the filters are shown to be fixed. */
export function isReversedRange(values: Record<string, string | undefined>): boolean {
  const { from, to } = values;
  if (!from || !to) return false;
  // Days (YYYY-MM-DD) compare as text; otherwise as instants (a time carries its offset, a day is read as its start).
  if (DAY.test(from) && DAY.test(to)) return from > to;
  const [a, b] = [Date.parse(from), Date.parse(to)];
  return !Number.isNaN(a) && !Number.isNaN(b) && a > b;
}
