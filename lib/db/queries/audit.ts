import { desc, eq } from "drizzle-orm";
import { auditHash, type AuditRecord } from "@/lib/core/audit/chain";
import type { DbOrTx } from "@/lib/db/client";
import { auditEvents, merchants } from "@/lib/db/schema";

export type Actor = { type: "system" | "user" | "api_key" | "channel"; id: string | null };
export const SYSTEM: Actor = { type: "system", id: null };

export interface AuditInput {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Appends events to the merchant's hash chain. Call it as the LAST statement of a transaction:
 * it locks the merchant row to serialise the chain, and nothing else may be locked after it.
 */
export async function appendAuditEvents(tx: DbOrTx, merchantId: string, actor: Actor, inputs: AuditInput[]) {
  if (inputs.length === 0) return;
  // NO KEY UPDATE serialises appenders without blocking inserts that reference the merchant.
  await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, merchantId)).for("no key update");
  const [last] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.merchantId, merchantId))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  let prevHash = last?.hash ?? null;
  const createdAt = new Date(new Date().toISOString());
  const rows = [];
  for (const input of inputs) {
    const record: AuditRecord = {
      merchantId,
      actorType: actor.type,
      actorId: actor.id,
      action: input.action,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      before: input.before ?? null,
      after: input.after ?? null,
      createdAt: createdAt.toISOString(),
    };
    const hash = await auditHash(prevHash, record);
    rows.push({ ...record, before: record.before as never, after: record.after as never, createdAt, prevHash, hash });
    prevHash = hash;
  }
  await tx.insert(auditEvents).values(rows);
}
