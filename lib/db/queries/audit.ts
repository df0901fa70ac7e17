import { createHash } from "node:crypto";
import { and, asc, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { auditHashInput, auditRecordOf, type AuditRecord } from "@/lib/core/audit/chain";
import type { Db, DbOrTx } from "@/lib/db/client";
import { auditEvents, merchants } from "@/lib/db/schema";
import { logger } from "@/lib/log";

export type Actor = { type: "system" | "user" | "api_key" | "channel"; id: string | null };
export const SYSTEM: Actor = { type: "system", id: null };

export interface AuditInput {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

// Unchained events are linked this many per statement.
const LINK_BATCH = 500;

/**
 * auditHash (lib/core/audit/chain.ts) computed synchronously: a statement import links thousands of
 * events one after another, and an awaited Web Crypto digest each costs ten times the hash itself.
 */
const chainHash = (prevHash: string | null, record: AuditRecord) => createHash("sha256").update(auditHashInput(prevHash, record), "utf8").digest("hex");

function recordsOf(merchantId: string, actor: Actor, inputs: AuditInput[]): AuditRecord[] {
  // Millisecond precision: the hash covers the ISO string, and the column must give it back unchanged.
  const createdAt = new Date().toISOString();
  return inputs.map((input) => ({
    merchantId,
    actorType: actor.type,
    actorId: actor.id,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    before: input.before ?? null,
    after: input.after ?? null,
    createdAt,
  }));
}

const rowOf = (r: AuditRecord) => ({ ...r, before: r.before as never, after: r.after as never, createdAt: new Date(r.createdAt) });

/** Takes the merchant's chain lock (held to commit). NO KEY UPDATE serialises chainers without blocking inserts that reference the merchant. */
async function lockChain(tx: DbOrTx, merchantId: string) {
  await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, merchantId)).for("no key update");
}

/**
 * Links the merchant's unchained events that this transaction sees after the chain's head, in id
 * order, and returns the new head. The caller holds the chain lock.
 */
async function linkUnchained(tx: DbOrTx, merchantId: string): Promise<{ seq: number; hash: string | null; linked: number }> {
  const [head] = await tx
    .select({ seq: auditEvents.chainSeq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(and(eq(auditEvents.merchantId, merchantId), isNotNull(auditEvents.chainSeq)))
    .orderBy(desc(auditEvents.chainSeq))
    .limit(1);
  let seq = head?.seq ?? 0;
  let hash = head?.hash ?? null;
  let linked = 0;
  for (;;) {
    const waiting = await tx
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.merchantId, merchantId), isNull(auditEvents.chainSeq)))
      .orderBy(asc(auditEvents.id))
      .limit(LINK_BATCH);
    if (waiting.length === 0) break;
    const links = [];
    for (const e of waiting) {
      const next = chainHash(hash, auditRecordOf({ ...e, createdAt: e.createdAt.toISOString() }));
      links.push({ id: e.id, seq: ++seq, prev: hash, hash: next });
      hash = next;
    }
    await tx.execute(sql`
      update ${auditEvents} set chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
      from json_to_recordset(${JSON.stringify(links)}::json) as v(id bigint, seq bigint, prev text, hash text)
      where ${auditEvents.id} = v.id and ${auditEvents.chainSeq} is null`);
    linked += waiting.length;
    if (waiting.length < LINK_BATCH) break;
  }
  return { seq, hash, linked };
}

/**
 * Appends events to the merchant's hash chain, linked when the transaction commits. Call it as the
 * LAST statement of a transaction: it locks the merchant's chain, and nothing else may be locked
 * after it. Events waiting to be linked (see insertUnchainedAuditEvents) are linked first.
 */
export async function appendAuditEvents(tx: DbOrTx, merchantId: string, actor: Actor, inputs: AuditInput[]) {
  if (inputs.length === 0) return;
  await lockChain(tx, merchantId);
  let { seq, hash } = await linkUnchained(tx, merchantId);
  const rows = [];
  for (const record of recordsOf(merchantId, actor, inputs)) {
    const next = chainHash(hash, record);
    rows.push({ ...rowOf(record), prevHash: hash, hash: next, chainSeq: ++seq });
    hash = next;
  }
  await tx.insert(auditEvents).values(rows);
}

/**
 * Inserts events without linking them and without the chain lock, for hot paths (channel
 * notifies) whose transactions must not queue behind one another: after commit, linkAuditChain
 * links them in commit order; the recovery sweep links whatever a crash left unlinked.
 */
export async function insertUnchainedAuditEvents(tx: DbOrTx, merchantId: string, actor: Actor, inputs: AuditInput[]) {
  if (inputs.length === 0) return;
  // One JSON parameter rather than nine per event: a chunk of matches writes hundreds of events.
  const records = recordsOf(merchantId, actor, inputs);
  await tx.execute(sql`
    insert into ${auditEvents} (merchant_id, actor_type, actor_id, action, subject_type, subject_id, before, after, created_at)
    select "merchantId", "actorType", "actorId", action, "subjectType", "subjectId", before, after, "createdAt"
    from json_to_recordset(${JSON.stringify(records)}::json) as x("merchantId" uuid, "actorType" text, "actorId" text, action text,
      "subjectType" text, "subjectId" text, before jsonb, after jsonb, "createdAt" timestamptz)`);
}

/** Links every committed unchained event of the merchant, in one transaction under the chain lock. Returns how many. */
export async function chainAuditEvents(db: Db, merchantId: string): Promise<number> {
  return db.transaction(async (tx) => {
    await lockChain(tx, merchantId);
    return (await linkUnchained(tx, merchantId)).linked;
  });
}

const flights = new Map<string, { current: Promise<void> | null; queued: Promise<void> | null }>();

/**
 * Links the merchant's committed unchained events, single-flight per merchant in this process:
 * while a run is going, callers share one queued run after it (which sees their events), so a
 * burst of notifies costs a few chain transactions, not one each. Never throws: a failure leaves
 * the events for the next run or the sweep.
 */
export function linkAuditChain(db: Db, merchantId: string): Promise<void> {
  let f = flights.get(merchantId);
  if (!f) flights.set(merchantId, (f = { current: null, queued: null }));
  if (f.queued) return f.queued;
  const flight = f;
  const run: Promise<void> = (flight.current ?? Promise.resolve()).then(async () => {
    if (flight.queued === run) flight.queued = null;
    flight.current = run;
    try {
      await chainAuditEvents(db, merchantId);
    } catch (err) {
      logger.warn({ err, merchantId }, "audit chaining deferred to the sweep");
    } finally {
      if (flight.current === run) flight.current = null;
      if (!flight.current && !flight.queued) flights.delete(merchantId);
    }
  });
  if (flight.current) flight.queued = run;
  else flight.current = run;
  return run;
}

/** The sweep's part: links the unchained events of every merchant that has some (left by a crash between commit and chaining). */
export async function chainAllAuditEvents(db: Db): Promise<number> {
  const rows = await db.selectDistinct({ merchantId: auditEvents.merchantId }).from(auditEvents).where(isNull(auditEvents.chainSeq));
  let linked = 0;
  for (const { merchantId } of rows) linked += await chainAuditEvents(db, merchantId);
  return linked;
}
