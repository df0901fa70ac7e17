// Whether confirming a suggestion would reopen a closed order: the payment API's suggestions carry the
// status now of each order they name.

/** A suggestion as the workbench gets it. */
export interface SuggestionFacts {
  references: string[];
  orders?: { reference: string; status: string | null }[];
}

/** The suggested orders that are closed (已关闭). */
export function closedReferences(s: SuggestionFacts): string[] {
  return (s.orders ?? []).filter((o) => o.status === "closed").map((o) => o.reference);
}
