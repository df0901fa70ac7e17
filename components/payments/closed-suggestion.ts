// Whether confirming a suggestion would reopen a closed order. The payment API's suggestions carry no
// order status yet: the engine's explanation of a closed order's suggestion says so ("…an order closed
// before it was paid…"), and that English text (always sent) is read until the API sends the status.

/** A suggestion as the workbench gets it; `orders` is the structured status the API may add. */
export interface SuggestionFacts {
  references: string[];
  explanation: string;
  orders?: { reference: string; status: string }[];
}

// The engine's note for a closed, never-paid order of the same amount (lib/core/matching/engine.ts, "lapsed").
const CLOSED_NOTE = /\border closed before it was paid\b/i;

/** The suggested orders that are closed (已关闭): from `orders[].status` when the API sends it, else from the explanation. */
export function closedReferences(s: SuggestionFacts): string[] {
  if (s.orders?.length) return s.orders.filter((o) => o.status === "closed").map((o) => o.reference);
  return CLOSED_NOTE.test(s.explanation) ? [...s.references] : [];
}
