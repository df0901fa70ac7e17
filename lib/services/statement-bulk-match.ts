import crypto from "node:crypto";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { hasStorefrontWebhook, queueOrderEvents } from "@/lib/services/storefront-webhooks";

/** Storefront events are queued in slices so a million paid orders never build one giant query. */
const EVENT_SLICE = 1000;

/**
 * Closes the bulk matches of an import: queues the storefront events of the orders now paid and
 * returns one audit event for the whole set, with a SHA-256 digest over its (payment, order,
 * amount) triples in payment order, so the allocations it created can be checked against it
 * later; per-payment events would cost more than the matching itself.
 */
export async function finishBulkMatches(
  tx: DbOrTx,
  params: { merchantId: string; statementId: string; matches: { paymentId: string; orderId: string; amount: number }[]; now: Date },
): Promise<AuditInput[]> {
  if (params.matches.length === 0) return [];
  const sorted = [...params.matches].sort((a, b) => (a.paymentId < b.paymentId ? -1 : a.paymentId > b.paymentId ? 1 : 0));
  const digest = crypto.createHash("sha256");
  let amount = 0;
  for (const m of sorted) {
    digest.update(`${m.paymentId}:${m.orderId}:${m.amount}\n`);
    amount += m.amount;
  }
  // Asked once here rather than once per slice: most merchants have no storefront webhook.
  const queueEvents = await hasStorefrontWebhook(tx, params.merchantId);
  for (let i = 0; queueEvents && i < sorted.length; i += EVENT_SLICE) {
    const changes = sorted.slice(i, i + EVENT_SLICE).map((m) => ({ orderId: m.orderId, status: "paid" }));
    await queueOrderEvents(tx, params.merchantId, changes, params.now);
  }
  return [
    {
      action: "statement.bulk_matched",
      subjectType: "statement",
      subjectId: params.statementId,
      after: {
        payments: sorted.length,
        amount,
        method: "reference",
        orderStatus: "paid",
        allocationsSha256: digest.digest("hex"),
        digestOf: "sha256 over 'paymentId:orderId:amount\\n' lines in paymentId order",
      },
    },
  ];
}
