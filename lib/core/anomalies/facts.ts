import type { AllocationFacts, DetectionInput, OrderFacts, PaymentFacts } from "@/lib/core/anomalies/types";
import { groupBy } from "@/lib/core/collections";

/** Lookups over the detection input that several detectors share. */
export function indexFacts(input: DetectionInput) {
  const payments = new Map<string, PaymentFacts>(input.payments.map((p) => [p.id, p]));
  const orders = new Map<string, OrderFacts>(input.orders.map((o) => [o.id, o]));
  const byOrder = groupBy(input.allocations, (a) => a.orderId);
  const byPayment = groupBy(input.allocations, (a) => a.paymentId);
  return { payments, orders, byOrder, byPayment };
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);

/**
 * Reads a signed difference (fen) that another part of the system left in a payment's details:
 * a number, `{ difference }`, or a pair of amounts (`received`/`actual`/`billAmount` minus
 * `expected`/`due`/`recordedAmount`). Null when the flag is set but carries no amount.
 */
export function readDifference(value: unknown): number | null {
  const direct = num(value);
  if (direct !== null) return direct;
  if (!value || typeof value !== "object") return null;
  const o = value as Record<string, unknown>;
  const diff = num(o.difference);
  if (diff !== null) return diff;
  const got = num(o.received) ?? num(o.actual) ?? num(o.billAmount);
  const want = num(o.expected) ?? num(o.due) ?? num(o.recordedAmount);
  return got !== null && want !== null ? got - want : null;
}

/** True when a details flag is present at all (anything but undefined, null or false). */
export const isFlagged = (value: unknown) => value !== undefined && value !== null && value !== false;

/** The payment that put the most money on an order: the one an order-level anomaly points at. */
export function mainPayment(allocs: AllocationFacts[] | undefined, payments: Map<string, PaymentFacts>) {
  if (!allocs || allocs.length === 0) return null;
  const top = [...allocs].sort((a, b) => b.amount - a.amount || a.paymentId.localeCompare(b.paymentId))[0];
  return payments.get(top.paymentId) ?? null;
}
