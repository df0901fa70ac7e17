import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { orders } from "@/lib/db/schema";

/**
 * "The merchant's orders with these references", written so that the planner always probes the
 * unique reference index. Beside an indexable merchant condition, a planner whose statistics are stale
 * (a large order import not analysed yet, or autovacuum off) reads every order of the merchant through
 * the merchant index instead: 3.5 ms for a notify's three references at 20,000 orders, and growing with
 * them. The merchant is checked on the rows found, through a cast that index cannot serve.
 */
/**
 * The merchant's orders whose order number, folded as orderNumberKey folds it (ASCII numbers; the
 * engine compares the keys again), is one of `keys`: one probe of the index migration 0018 adds.
 */
export function merchantOrdersWithNumbers(merchantId: string, keys: string[]): SQL {
  return and(eq(orders.merchantId, merchantId), inArray(sql`regexp_replace(upper(${orders.orderNo}), '[^0-9A-Z]', '', 'g')`, keys))!;
}

export function merchantOrdersWithReferences(merchantId: string, references: string[]): SQL {
  return and(inArray(orders.reference, references), sql`${orders.merchantId}::text = ${merchantId}::uuid::text`)!;
}
