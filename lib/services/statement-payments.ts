import { and, eq, inArray, sql } from "drizzle-orm";
import type { PaymentEvent } from "@/lib/core/channels/types";
import type { Explanation } from "@/lib/core/matching/types";
import { rowsOf, type DbOrTx } from "@/lib/db/client";
import { payments, type NewPayment, type Payment } from "@/lib/db/schema";
import { paymentRows } from "@/lib/services/payments";

/** Lines per round trip: large enough that a million-line file takes few, small enough for one JSON parameter. */
export const STATEMENT_BATCH_SIZE = 5000;

/** One statement line ready to be recorded as a payment. */
export interface StatementPaymentInput {
  event: PaymentEvent;
  dedupeKey: string;
  /** Set on bill lines: the channel's bill confirms the payment. */
  confirmedByBillAt: Date | null;
  /** A certain match decided before the insert (lib/services/statement-bulk-match.ts): recorded already matched. */
  match?: { orderId: string; method: string; explanation: Explanation } | null;
}

/** The JSON record of a payments row for json_to_recordset (column names as in the table). */
function record(row: NewPayment, match: StatementPaymentInput["match"], now: Date) {
  return {
    merchant_id: row.merchantId,
    channel_account_id: row.channelAccountId,
    channel: row.channel,
    origin: row.origin,
    channel_transaction_id: row.channelTransactionId,
    dedupe_key: row.dedupeKey,
    reference: row.reference ?? null,
    amount: row.amount,
    currency: row.currency ?? "CNY",
    received_at: (row.receivedAt as Date).toISOString(),
    payer_name: row.payerName ?? null,
    payer_account_enc: row.payerAccountEnc ?? null,
    payer_account_masked: row.payerAccountMasked ?? null,
    memo: row.memo ?? null,
    statement_id: row.statementId ?? null,
    confirmed_by_bill_at: row.confirmedByBillAt ? row.confirmedByBillAt.toISOString() : null,
    details: row.details ?? {},
    status: match ? "matched" : "unmatched",
    allocated_amount: match ? row.amount : 0,
    match_method: match?.method ?? null,
    confidence: match ? 1 : null,
    explanation: match?.explanation ?? null,
    match_checked_at: match ? now.toISOString() : null,
  };
}

/**
 * Records a batch of statement payments with one INSERT, on the same (account, dedupe key) rule as
 * recordPayment (lib/services/payments.ts) and the same columns, so a line already recorded, by an
 * earlier import or by the channel's notify, is not inserted again. The rows travel as one JSON
 * parameter (json_to_recordset): every driver passes it alike, and it costs a fraction of a
 * parameter per column per row. Returns the ids and keys inserted now and, for the keys that already
 * existed, the existing rows (a bill confirms them).
 */
export async function insertStatementPayments(
  tx: DbOrTx,
  params: { merchantId: string; channelAccountId: string; origin: "statement" | "bill"; statementId: string; inputs: StatementPaymentInput[]; now: Date },
): Promise<{ inserted: { id: string; dedupeKey: string }[]; existing: Payment[] }> {
  if (params.inputs.length === 0) return { inserted: [], existing: [] };
  const rows = paymentRows(params, params.inputs);
  const json = JSON.stringify(rows.map((row, i) => record(row, params.inputs[i].match, params.now)));
  const result = await tx.execute(sql`
    insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, reference, amount,
      currency, received_at, payer_name, payer_account_enc, payer_account_masked, memo, statement_id, confirmed_by_bill_at,
      details, status, allocated_amount, match_method, confidence, explanation, match_checked_at)
    select merchant_id, channel_account_id, channel::channel, origin::payment_origin, channel_transaction_id, dedupe_key, reference, amount,
      currency, received_at, payer_name, payer_account_enc, payer_account_masked, memo, statement_id, confirmed_by_bill_at,
      details, status::payment_status, allocated_amount, match_method, confidence, explanation, match_checked_at
    from json_to_recordset(${json}::json) as x(merchant_id uuid, channel_account_id uuid, channel text, origin text,
      channel_transaction_id text, dedupe_key text, reference text, amount bigint, currency text, received_at timestamptz,
      payer_name text, payer_account_enc text, payer_account_masked text, memo text, statement_id uuid,
      confirmed_by_bill_at timestamptz, details jsonb, status text, allocated_amount bigint, match_method text,
      confidence real, explanation jsonb, match_checked_at timestamptz)
    on conflict (channel_account_id, dedupe_key) do nothing
    returning id::text as id, dedupe_key`);
  const inserted = rowsOf<{ id: string; dedupe_key: string }>(result).map((r) => ({ id: r.id, dedupeKey: r.dedupe_key }));
  const insertedKeys = new Set(inserted.map((p) => p.dedupeKey));
  const missing = [...new Set(rows.map((r) => r.dedupeKey))].filter((k) => !insertedKeys.has(k));
  const existing = missing.length
    ? await tx
        .select()
        .from(payments)
        .where(and(eq(payments.channelAccountId, params.channelAccountId), inArray(payments.dedupeKey, missing)))
    : [];
  return { inserted, existing };
}
