import { and, eq, inArray } from "drizzle-orm";
import type { PaymentEvent } from "@/lib/core/channels/types";
import type { DbOrTx } from "@/lib/db/client";
import { payments, type NewPayment, type Payment } from "@/lib/db/schema";
import { paymentRow } from "@/lib/services/payments";

/** Rows per INSERT: ~20 columns each keeps a batch far below PostgreSQL's 65,535 bind parameters. */
export const STATEMENT_BATCH_SIZE = 1000;

/** One statement line ready to be recorded as a payment. */
export interface StatementPaymentInput {
  event: PaymentEvent;
  dedupeKey: string;
  /** Set on bill lines: the channel's bill confirms the payment. */
  confirmedByBillAt: Date | null;
}

/**
 * Records a batch of statement payments with one INSERT, on the same (account, dedupe key) rule as
 * recordPayment (lib/services/payments.ts) and the same columns, so a line already recorded, by an
 * earlier import or by the channel's notify, is not inserted again. Returns the ids and keys inserted
 * now and, for the keys that already existed, the existing rows (a bill confirms them).
 */
export async function insertStatementPayments(
  tx: DbOrTx,
  params: { merchantId: string; channelAccountId: string; origin: "statement" | "bill"; statementId: string; inputs: StatementPaymentInput[] },
): Promise<{ inserted: { id: string; dedupeKey: string }[]; existing: Payment[] }> {
  if (params.inputs.length === 0) return { inserted: [], existing: [] };
  const rows: NewPayment[] = params.inputs.map(({ event, dedupeKey, confirmedByBillAt }) =>
    paymentRow(params, event, dedupeKey, confirmedByBillAt),
  );
  const inserted = await tx
    .insert(payments)
    .values(rows)
    .onConflictDoNothing({ target: [payments.channelAccountId, payments.dedupeKey] })
    .returning({ id: payments.id, dedupeKey: payments.dedupeKey });
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
