// The top (首选) suggestion of a payment as the workbench list shows it, and what a person can do about
// it from the list: confirm it there, or, when confirming would reopen a closed order, on the payment's page.
import { closedReferences, type SuggestionFacts } from "@/components/payments/closed-suggestion";

/** A payment as far as its top suggestion goes (the payment API's view). */
export interface SuggestedPayment {
  status: string;
  suggestions?: (SuggestionFacts & { confidence: number })[];
}

export interface TopSuggestion {
  /** Confidence as a whole percentage (0.915 → 92). */
  percent: number;
  references: string[];
  /** The suggested orders that are closed now: confirming reopens them. */
  closed: string[];
}

/** The payment's first suggestion, or null when it has none (only a suggested payment carries any). */
export function topSuggestion(p: SuggestedPayment): TopSuggestion | null {
  const s = p.suggestions?.[0];
  if (!s) return null;
  return { percent: Math.round(s.confidence * 100), references: s.references, closed: closedReferences(s) };
}

/** The top suggestion's confidence (0–1), 0 when there is none. */
export const topConfidence = (p: SuggestedPayment): number => p.suggestions?.[0]?.confidence ?? 0;

/** Whether confirming the top suggestion would reopen a closed order. */
export const topIsClosed = (p: SuggestedPayment): boolean => (topSuggestion(p)?.closed.length ?? 0) > 0;

/** "92% · REF-1, REF-2", with the closed-order flag when confirming would reopen one. */
export function describeTop(top: TopSuggestion, closedLabel: string): string {
  return `${top.percent}% · ${top.references.join(", ")}${top.closed.length ? ` · ${closedLabel}` : ""}`;
}

/**
 * What the list offers for the payment's top suggestion: "confirm" it in one tap, "review" it on the
 * payment's page (a closed order is reopened only after the page has said so), or nothing (a viewer, or
 * no suggestion waiting).
 */
export function topAction(p: SuggestedPayment, canMatch: boolean): "confirm" | "review" | null {
  if (!canMatch || p.status !== "suggested") return null;
  const top = topSuggestion(p);
  if (!top) return null;
  return top.closed.length ? "review" : "confirm";
}
