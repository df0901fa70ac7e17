import type { Actor } from "@/lib/db/queries/audit";
import type { anomalies } from "@/lib/db/schema";

export type AnomalyRow = typeof anomalies.$inferSelect;

/** How a resolution was reached; kept in `details.resolution` (moved to `details.history` on reopen). */
export interface Resolution {
  by: "person" | "rule" | "sweep";
  actor?: string;
  ruleId?: string;
  ruleName?: string;
  fingerprint?: unknown;
  writeOff?: { orderId: string; amount: number; reason: string; before: number; after: number };
  /** A rule set the payment aside (it found no order and is no customer's). */
  ignored?: { paymentId: string; reason: string };
  /** Set by the sweep once it no longer finds the cause: the decision then settles no later return of it. */
  causeGoneAt?: string;
}

/** "api_key:<id>", "user:<id>", "system". */
export const actorLabel = (actor: Actor) => (actor.id ? `${actor.type}:${actor.id}` : actor.type);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The anomaly as the contract's `GET /api/v1/anomalies` shows it (with the fields it may add). */
export function toAnomalyView(row: AnomalyRow, reference: string | null) {
  const d = row.details;
  return {
    anomalyId: row.id,
    kind: row.kind,
    severity: row.severity,
    status: row.status,
    paymentId: row.paymentId,
    orderId: row.orderId,
    reference,
    subjectKey: row.subjectKey,
    detectedAt: row.detectedAt.toISOString(),
    message: row.message,
    messageEn: typeof d.messageEn === "string" ? d.messageEn : row.message,
    assignedTo: row.assignedTo,
    refundRequested: d.refundRequested === true,
    rules: Array.isArray(d.rules) ? d.rules : [],
    acknowledgedAt: iso(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
    resolvedAt: iso(row.resolvedAt),
    resolvedBy: row.resolvedBy,
    resolutionNote: row.resolutionNote,
    details: d,
  };
}
export type AnomalyView = ReturnType<typeof toAnomalyView>;
