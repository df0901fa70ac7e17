import crypto from "node:crypto";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { PaymentEvent } from "@/lib/core/channels/types";
import type { BulkCandidate } from "@/lib/core/matching/bulk";
import { rowsOf, type DbOrTx } from "@/lib/db/client";
import { payments, type Payment } from "@/lib/db/schema";
import { paymentRows } from "@/lib/services/payments";

/** Lines per statement: large enough that a million-line file takes few round trips, small enough to hold two in memory. */
export const STATEMENT_BATCH_SIZE = 50_000;
/** The first batch of a file: the database starts on it while the next lines are read. */
export const STATEMENT_FIRST_BATCH_SIZE = 5_000;

/** One statement line ready to be recorded as a payment. */
export interface StatementPaymentInput {
  event: PaymentEvent;
  dedupeKey: string;
  /** The single reference it may be bulk-matched on (lib/core/matching/bulk.ts), or null for the engine. */
  candidate: BulkCandidate | null;
}

export interface RecordedStatementPayment {
  id: string;
  dedupeKey: string;
  amount: number;
  /** The order it was matched to in bulk, or null when the engine decides. */
  orderId: string | null;
}

/**
 * A column of the batch as one array literal (`{"a",NULL,"b"}`), passed as a single text parameter
 * and cast in SQL: the drivers' own array serialisers cost ten times as much on 50,000 values.
 */
export function arrayLiteral(values: readonly (string | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) parts[i] = "NULL";
    // Most values (ids, amounts, dates, keys) hold neither character: no regular expression for them.
    else if (v.indexOf('"') < 0 && v.indexOf("\\") < 0) parts[i] = `"${v}"`;
    else parts[i] = `"${v.replace(/[\\"]/g, "\\$&")}"`;
  }
  return `{${parts.join(",")}}`;
}

export interface StatementBatchParams {
  merchantId: string;
  channelAccountId: string;
  origin: "statement" | "bill";
  statementId: string;
  inputs: StatementPaymentInput[];
  /** Set on bills: the channel's bill confirms the payment. */
  confirmedByBillAt: Date | null;
  /** Read back the existing rows of keys already recorded (a bill confirms them). */
  readExisting: boolean;
  now: Date;
}

/**
 * Version 7 UUIDs (RFC 9562) for a batch: this millisecond, then a counter in the 12 rand_a bits and
 * the next 14 bits, then 48 random bits. Rows inserted together get neighbouring keys, so the
 * primary-key and payment-id indexes grow at their right edge instead of touching a random page
 * per row, which is what a million random v4 ids cost once those indexes outgrow the cache.
 */
export function timeOrderedUuids(n: number, ms = Date.now()): string[] {
  const ids: string[] = [];
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(ms, 0, 6);
  const random = crypto.randomBytes(6 * n);
  for (let i = 0; i < n; i++) {
    bytes[6] = 0x70 | ((i >>> 22) & 0x0f);
    bytes[7] = (i >>> 14) & 0xff;
    bytes[8] = 0x80 | ((i >>> 8) & 0x3f);
    bytes[9] = i & 0xff;
    random.copy(bytes, 10, 6 * i, 6 * i + 6);
    const h = bytes.toString("hex");
    ids.push(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
  }
  return ids;
}

/** A batch ready to be written: its rows built (payer accounts encrypted) and its statement composed. */
export interface PreparedStatementBatch {
  params: StatementBatchParams;
  dedupeKeys: string[];
  query: SQL;
}

/** An order no money has touched yet: the only kind a bulk match pays in full. */
const UNTOUCHED_ORDER = sql.raw(`o.status = 'pending' and o.paid_amount = 0 and o.refunded_amount = 0 and o.written_off_amount = 0`);

/**
 * Records a batch of statement lines as payments and settles their certain matches, set-based, in
 * one statement: a line whose candidate names an untouched order asking exactly its amount and
 * currency is inserted already matched; the orders of the lines actually inserted are then marked
 * paid, each only if it is still untouched once the UPDATE holds its lock, and the allocations are
 * written for those. The other lines are inserted unmatched for the engine. Lines go on the same
 * (account, dedupe key) rule as recordPayment (lib/services/payments.ts), so a line already recorded
 * (by an earlier import or by the channel's notify) is not inserted again, and its order is not
 * touched. A line whose order was paid by another transaction between the read and the UPDATE was
 * inserted as matched without an allocation: writeStatementBatch puts it back to unmatched. A bulk
 * match stores no explanation (toPaymentView rebuilds it from the method and the order). The
 * columns travel as array literals (unnest), which every driver passes alike. Keys must be distinct
 * within the batch; a candidate must be named by no other line of the batch.
 *
 * Preparing is the Node side (encryption, serialisation), so the import does it for the next batch
 * while the database writes the previous one; writeStatementBatch sends it.
 */
export function prepareStatementBatch(params: StatementBatchParams): PreparedStatementBatch | null {
  if (params.inputs.length === 0) return null;
  const rows = paymentRows(params, params.inputs.map((i) => ({ ...i, confirmedByBillAt: params.confirmedByBillAt })));
  const now = params.now.toISOString();
  const candidates = params.inputs.map((i) => i.candidate);
  // Passed twice (the candidates and the INSERT): serialised once.
  const paymentIds = arrayLiteral(timeOrderedUuids(rows.length));
  const amounts = arrayLiteral(rows.map((r) => String(r.amount)));
  const currencies = arrayLiteral(rows.map((r) => r.currency ?? "CNY"));
  // The wide columns go straight from unnest into the INSERT; everything that is joined, matched and
  // handed on (candidates, planned matches, inserted rows) is narrow, so no wide row is sorted or copied.
  const query = sql`
    with candidates as materialized (
      select * from unnest(
        ${paymentIds}::uuid[], ${arrayLiteral(candidates.map((c) => c?.reference ?? null))}::text[], ${amounts}::bigint[], ${currencies}::text[],
        ${arrayLiteral(candidates.map((c) => c?.method ?? null))}::text[], ${arrayLiteral(timeOrderedUuids(rows.length))}::uuid[]
      ) as c(payment_id, candidate, amount, currency, method, allocation_id)
      where candidate is not null
    ),
    found as materialized (
      -- One probe of the unique reference index per candidate, whatever the statistics say: with the
      -- merchant's condition beside the reference, a planner that believes the merchant has few orders
      -- (a large order import not analysed yet) scans them all and compares each with every candidate.
      -- OFFSET 0 keeps the merchant's condition out of the probe.
      select o.id, o.reference, o.amount, o.currency
      from (select distinct candidate from candidates) c
      cross join lateral (select * from orders o where o.reference = c.candidate offset 0) o
      where o.merchant_id = ${params.merchantId} and ${UNTOUCHED_ORDER}
    ),
    planned as materialized (
      select c.payment_id, f.id as order_id, c.amount, c.method, c.allocation_id
      from candidates c join found f on f.reference = c.candidate and f.amount = c.amount and f.currency = c.currency
    ),
    inserted as (
      insert into payments (id, merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, reference, amount,
        currency, received_at, payer_name, payer_account_enc, payer_account_masked, memo, statement_id, confirmed_by_bill_at,
        details, status, allocated_amount, match_method, confidence, match_checked_at)
      select l.id, ${params.merchantId}, ${params.channelAccountId}, ${rows[0].channel}, ${params.origin}, l.channel_transaction_id, l.dedupe_key,
        l.reference, l.amount, l.currency, l.received_at, l.payer_name, l.payer_account_enc, l.payer_account_masked, l.memo, ${params.statementId},
        ${params.confirmedByBillAt ? params.confirmedByBillAt.toISOString() : null}::timestamptz, l.details::jsonb,
        case when p.order_id is null then 'unmatched' else 'matched' end::payment_status,
        case when p.order_id is null then 0 else l.amount end,
        case when p.order_id is null then null else p.method end,
        case when p.order_id is null then null else 1 end,
        case when p.order_id is null then null else ${now}::timestamptz end
      from unnest(
        ${paymentIds}::uuid[], ${arrayLiteral(rows.map((r) => r.channelTransactionId))}::text[], ${arrayLiteral(rows.map((r) => r.dedupeKey))}::text[],
        ${arrayLiteral(rows.map((r) => r.reference ?? null))}::text[], ${amounts}::bigint[], ${currencies}::text[],
        ${arrayLiteral(rows.map((r) => (r.receivedAt as Date).toISOString()))}::timestamptz[], ${arrayLiteral(rows.map((r) => r.payerName ?? null))}::text[],
        ${arrayLiteral(rows.map((r) => r.payerAccountEnc ?? null))}::text[], ${arrayLiteral(rows.map((r) => r.payerAccountMasked ?? null))}::text[],
        ${arrayLiteral(rows.map((r) => r.memo ?? null))}::text[], ${arrayLiteral(rows.map((r) => JSON.stringify(r.details ?? {})))}::text[]
      ) as l(id, channel_transaction_id, dedupe_key, reference, amount, currency, received_at, payer_name, payer_account_enc,
        payer_account_masked, memo, details)
      left join planned p on p.payment_id = l.id
      on conflict (channel_account_id, dedupe_key) do nothing
      returning id, dedupe_key, amount
    ),
    settled as materialized (
      select p.* from inserted i join planned p on p.payment_id = i.id
    ),
    paid as (
      -- By primary key (the index scan takes the ids in order, so orders are locked in id order as every
      -- other matcher locks them), and only if the order is still untouched now that it is locked: an
      -- order another transaction paid since it was read is left alone, and its line goes to the engine.
      update orders o set status = 'paid', paid_amount = o.amount, paid_at = coalesce(o.paid_at, ${now}::timestamptz), updated_at = ${now}::timestamptz
      where o.id = any(array(select order_id from settled)) and ${UNTOUCHED_ORDER}
      returning o.id
    ),
    allocated as (
      insert into allocations (id, merchant_id, payment_id, order_id, amount, method, confidence, created_by, created_at)
      select s.allocation_id, ${params.merchantId}, s.payment_id, s.order_id, s.amount, s.method, 1, 'system', ${now}::timestamptz
      from settled s join paid on paid.id = s.order_id
      returning payment_id
    )
    select i.id::text as id, i.dedupe_key, i.amount::text as amount, a.payment_id is not null as allocated, s.order_id::text as order_id
    from inserted i left join settled s on s.payment_id = i.id left join allocated a on a.payment_id = i.id`;
  return { params, dedupeKeys: rows.map((r) => r.dedupeKey), query };
}

/**
 * Writes a prepared batch. Returns the rows inserted now and, when asked, the existing rows of the
 * keys that were already recorded.
 */
export async function writeStatementBatch(
  tx: DbOrTx,
  batch: PreparedStatementBatch | null,
): Promise<{ inserted: RecordedStatementPayment[]; existing: Payment[] }> {
  if (!batch) return { inserted: [], existing: [] };
  const { params, dedupeKeys, query } = batch;
  const result = await tx.execute(query);
  const rows = rowsOf<{ id: string; dedupe_key: string; amount: string; allocated: boolean; order_id: string | null }>(result);
  const lostRace = rows.filter((r) => r.order_id !== null && !r.allocated).map((r) => r.id);
  if (lostRace.length > 0) {
    await tx
      .update(payments)
      .set({ status: "unmatched", allocatedAmount: 0, matchMethod: null, confidence: null, explanation: null, matchCheckedAt: null })
      .where(inArray(payments.id, lostRace));
  }
  const inserted = rows.map((r) => ({
    id: r.id,
    dedupeKey: r.dedupe_key,
    amount: Number(r.amount),
    orderId: r.allocated ? r.order_id : null,
  }));
  if (!params.readExisting || inserted.length === dedupeKeys.length) return { inserted, existing: [] };
  const insertedKeys = new Set(inserted.map((p) => p.dedupeKey));
  const missing = dedupeKeys.filter((k) => !insertedKeys.has(k));
  const existing = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.channelAccountId, params.channelAccountId), inArray(payments.dedupeKey, missing)));
  return { inserted, existing };
}
