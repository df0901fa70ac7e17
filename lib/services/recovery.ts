import { asc, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { payments } from "@/lib/db/schema";
import { matchPayment } from "@/lib/services/match-payment";

/** Runs matching for payments it never reached (a crash or a lost event); the database is the queue. */
export async function matchUncheckedPayments(db: Db, params: { limit?: number; now?: Date }) {
  const rows = await db
    .select({ id: payments.id })
    .from(payments)
    .where(isNull(payments.matchCheckedAt))
    .orderBy(asc(payments.createdAt))
    .limit(params.limit ?? 1000);
  let matched = 0;
  for (const row of rows) {
    if ((await matchPayment(db, { paymentId: row.id, now: params.now })) === "matched") matched++;
  }
  return { checked: rows.length, matched };
}
