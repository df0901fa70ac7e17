import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { bulkExplanation, type BulkCandidate } from "@/lib/core/matching/bulk";
import type { Explanation } from "@/lib/core/matching/types";
import { rowsOf, type DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { enqueueOrderEvents } from "@/lib/services/storefront-webhooks";

/**
 * Set-based matching of a statement's certain payments (see lib/core/matching/bulk.ts), inside the
 * import's transaction, batch by batch: before a batch of lines is inserted, the untouched orders its
 * candidates name are locked (in id order, as every other matcher locks them) and each line whose
 * order asks exactly its amount is recorded already matched; then one INSERT writes the allocations
 * and one UPDATE marks those orders paid. A reference named by two lines of the file is a split or
 * a duplicate, which the engine decides after the import.
 */

export interface PlannedMatch {
  orderId: string;
  method: BulkCandidate["method"];
  explanation: Explanation;
}

/** Decides, under lock, which candidates of a batch are certain; keyed by the line's dedupe key. */
export async function planBulkMatches(
  tx: DbOrTx,
  params: { merchantId: string; lines: { dedupeKey: string; amount: number; currency: string; candidate: BulkCandidate }[] },
): Promise<Map<string, PlannedMatch>> {
  const planned = new Map<string, PlannedMatch>();
  if (params.lines.length === 0) return planned;
  const references = JSON.stringify(params.lines.map((l) => l.candidate.reference));
  const result = await tx.execute(sql`
    select id::text as id, reference, amount::text as amount, currency from orders
    where merchant_id = ${params.merchantId} and reference in (select value from json_array_elements_text(${references}::json))
      and status = 'pending' and paid_amount = 0 and refunded_amount = 0 and written_off_amount = 0
    order by id
    for update`);
  const byReference = new Map(rowsOf<{ id: string; reference: string; amount: string; currency: string }>(result).map((o) => [o.reference, o]));
  for (const l of params.lines) {
    const order = byReference.get(l.candidate.reference);
    if (!order || Number(order.amount) !== l.amount || order.currency !== l.currency) continue;
    planned.set(l.dedupeKey, { orderId: order.id, method: l.candidate.method, explanation: bulkExplanation(l.candidate) });
  }
  return planned;
}

/** Writes the allocations of the planned payments that were inserted, and marks their orders paid. */
export async function applyPlannedMatches(
  tx: DbOrTx,
  params: { merchantId: string; matches: { paymentId: string; orderId: string; amount: number; method: string }[]; now: Date },
) {
  if (params.matches.length === 0) return;
  const json = JSON.stringify(params.matches.map((m) => ({ payment_id: m.paymentId, order_id: m.orderId, amount: m.amount, method: m.method })));
  const now = params.now.toISOString();
  await tx.execute(sql`
    insert into allocations (merchant_id, payment_id, order_id, amount, method, confidence, created_by, created_at)
    select ${params.merchantId}, payment_id, order_id, amount, method, 1, 'system', ${now}::timestamptz
    from json_to_recordset(${json}::json) as x(payment_id uuid, order_id uuid, amount bigint, method text)`);
  await tx.execute(sql`
    update orders o set status = 'paid', paid_amount = x.amount, paid_at = coalesce(o.paid_at, ${now}::timestamptz), updated_at = ${now}::timestamptz
    from json_to_recordset(${json}::json) as x(payment_id uuid, order_id uuid, amount bigint, method text)
    where o.id = x.order_id`);
}

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
  for (let i = 0; i < sorted.length; i += EVENT_SLICE) {
    const changes = sorted.slice(i, i + EVENT_SLICE).map((m) => ({ orderId: m.orderId, status: "paid" }));
    await enqueueOrderEvents(tx, params.merchantId, changes, params.now);
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
