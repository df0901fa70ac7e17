// Query plans under stale statistics: orders inserted after the last ANALYZE, as right after a large
// order import that autovacuum has not analysed yet (or on a server with autovacuum off).
import crypto from "node:crypto";
import { sql, type SQLWrapper } from "drizzle-orm";
import { generateReference } from "@/lib/core/reference";
import { rowsOf, type Db } from "@/lib/db/client";

export type PlanNode = { "Subplan Name"?: string; "Index Name"?: string; "Join Filter"?: string; Plans?: PlanNode[] };

/** A plan node and everything under it, depth first. */
export const planNodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(planNodes)];

/** The root of `query`'s plan (EXPLAIN, not run). */
export async function explainPlan(db: Db, query: SQLWrapper): Promise<PlanNode> {
  const [{ "QUERY PLAN": plan }] = rowsOf<{ "QUERY PLAN": unknown }>(await db.execute(sql`explain (format json) ${query}`));
  return ((typeof plan === "string" ? JSON.parse(plan) : plan) as { Plan: PlanNode }[])[0].Plan;
}

/** `n` pending orders of the merchant (amounts 1000 + i fen) with fresh references, inserted directly; returns the references. */
export async function insertOrdersDirectly(db: Db, merchantId: string, n: number, prefix: string): Promise<string[]> {
  const refs = Array.from({ length: n }, () => generateReference((k) => crypto.randomBytes(k)));
  const rows = refs.map((reference, i) => ({ reference, order_no: `${prefix}-${i}`, amount: 1000 + i }));
  await db.execute(sql`
    insert into orders (merchant_id, reference, order_no, source, amount, status)
    select ${merchantId}::uuid, reference, order_no, 'web', amount, 'pending'
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(reference text, order_no text, amount bigint)`);
  return refs;
}
