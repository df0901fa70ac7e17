import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { bulkExplanationTemplate, REFERENCE_PLACEHOLDER, type BulkCandidate } from "@/lib/core/matching/bulk";
import type { DbOrTx } from "@/lib/db/client";
import type { AuditInput } from "@/lib/db/queries/audit";
import { enqueueOrderEvents } from "@/lib/services/storefront-webhooks";

/**
 * Set-based matching of a statement's certain payments (see lib/core/matching/bulk.ts), inside the
 * import's transaction. The import adds each new payment's candidate reference to a temporary table
 * as it goes; one statement then pays every untouched order that exactly one line of the file names
 * with exactly its amount: it marks the orders paid, inserts the allocations and marks the payments
 * matched, in that order, so an order a concurrent notify paid meanwhile is skipped (the UPDATE
 * re-checks its condition after the row lock) and its line is left to the engine.
 */
export const BULK_TABLE = "bulk_match_candidates";

/** Creates the per-transaction table of candidates (dropped at commit). */
export async function createBulkCandidates(tx: DbOrTx) {
  await tx.execute(sql.raw(`create temporary table if not exists ${BULK_TABLE} (payment_id uuid primary key, reference text not null, method text not null) on commit drop`));
}

/** Adds candidates: one JSON parameter per batch, which every driver passes the same way. */
export async function addBulkCandidates(tx: DbOrTx, rows: ({ paymentId: string } & BulkCandidate)[]) {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows.map((r) => ({ payment_id: r.paymentId, reference: r.reference, method: r.method })));
  await tx.execute(sql`
    insert into ${sql.raw(BULK_TABLE)} (payment_id, reference, method)
    select payment_id, reference, method from json_to_recordset(${json}::json) as x(payment_id uuid, reference text, method text)
    on conflict (payment_id) do nothing`);
}

export interface BulkMatchResult {
  matched: number;
  paymentIds: string[];
  amount: number;
  audit: AuditInput[];
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Storefront events are queued in slices so a million paid orders never build one giant query. */
const EVENT_SLICE = 1000;

/**
 * Applies the bulk matches of a statement. The audit trail gets one event for the whole set, with a
 * SHA-256 digest over its (payment, order, amount) triples in payment order, so the allocations it
 * created can be checked against it later; per-payment events would cost more than the matching.
 */
export async function applyBulkMatches(tx: DbOrTx, params: { merchantId: string; statementId: string; now: Date }): Promise<BulkMatchResult> {
  const now = params.now.toISOString();
  const templates = {
    reference: bulkExplanationTemplate("reference"),
    reference_in_memo: bulkExplanationTemplate("reference_in_memo"),
  };
  // A temporary table has no statistics until analysed; without them the planner guesses a handful of rows.
  await tx.execute(sql.raw(`analyze ${BULK_TABLE}`));
  const result = await tx.execute(sql`
    with named as (
      select c.payment_id, c.reference, c.method, p.amount
      from ${sql.raw(BULK_TABLE)} c
      join payments p on p.id = c.payment_id
      where c.reference in (select reference from ${sql.raw(BULK_TABLE)} group by reference having count(*) = 1)
        and p.status = 'unmatched' and p.allocated_amount = 0 and p.refunded_amount = 0 and not p.manually_decided
    ),
    paid as (
      update orders o
      set status = 'paid', paid_amount = n.amount, paid_at = coalesce(o.paid_at, ${now}::timestamptz), updated_at = ${now}::timestamptz
      from named n, payments p
      where o.reference = n.reference and p.id = n.payment_id
        and o.merchant_id = ${params.merchantId} and o.status = 'pending'
        and o.paid_amount = 0 and o.refunded_amount = 0 and o.written_off_amount = 0
        and o.amount = n.amount and o.currency = p.currency
      returning o.id as order_id, n.payment_id, n.amount, n.reference, n.method
    ),
    allocated as (
      insert into allocations (merchant_id, payment_id, order_id, amount, method, confidence, created_by, created_at)
      select ${params.merchantId}, payment_id, order_id, amount, method, 1, 'system', ${now}::timestamptz from paid
    ),
    matched as (
      update payments p
      set status = 'matched', allocated_amount = paid.amount, match_method = paid.method, confidence = 1,
          explanation = replace(case paid.method when 'reference' then ${templates.reference} else ${templates.reference_in_memo} end, ${REFERENCE_PLACEHOLDER}, paid.reference)::jsonb,
          suggestions = '[]'::jsonb, match_checked_at = ${now}::timestamptz
      from paid
      where p.id = paid.payment_id
      returning p.id::text as payment_id, paid.order_id::text as order_id, paid.amount::text as amount
    )
    select payment_id, order_id, amount from matched order by payment_id`);
  const rows = rowsOf<{ payment_id: string; order_id: string; amount: string }>(result);
  if (rows.length === 0) return { matched: 0, paymentIds: [], amount: 0, audit: [] };

  const digest = crypto.createHash("sha256");
  let amount = 0;
  for (const r of rows) {
    digest.update(`${r.payment_id}:${r.order_id}:${r.amount}\n`);
    amount += Number(r.amount);
  }
  for (let i = 0; i < rows.length; i += EVENT_SLICE) {
    const changes = rows.slice(i, i + EVENT_SLICE).map((r) => ({ orderId: r.order_id, status: "paid" }));
    await enqueueOrderEvents(tx, params.merchantId, changes, params.now);
  }
  return {
    matched: rows.length,
    paymentIds: rows.map((r) => r.payment_id),
    amount,
    audit: [
      {
        action: "statement.bulk_matched",
        subjectType: "statement",
        subjectId: params.statementId,
        after: {
          payments: rows.length,
          amount,
          method: "reference",
          orderStatus: "paid",
          allocationsSha256: digest.digest("hex"),
          digestOf: "sha256 over 'paymentId:orderId:amount\\n' lines in paymentId order",
        },
      },
    ],
  };
}
