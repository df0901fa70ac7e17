import { and, asc, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import { verifyChain, type ChainBreak } from "@/lib/core/audit/chain";
import type { DbOrTx } from "@/lib/db/client";
import { auditEvents, merchants } from "@/lib/db/schema";

export interface ChainReport {
  merchantId: string;
  /** Linked events checked. */
  events: number;
  /** Events not linked yet (a notify's, for the milliseconds until the chainer runs, or since a crash until the sweep). */
  unchained: number;
  /** When the oldest unchained event was written: long ago means the chainer is not running. */
  oldestUnchainedAt: Date | null;
  /** The first broken link: the id of the event whose hash or predecessor does not check out. */
  broken: (ChainBreak & { eventId: number }) | null;
}

/** Events read per round trip: a merchant's chain of millions is checked in constant memory. */
export const VERIFY_PAGE_SIZE = 5000;

/**
 * Re-computes every merchant's audit hash chain in chain order, a page at a time; an edited or deleted
 * row breaks it at that point. Rows holding a hash but no place in the chain (or the reverse) were
 * tampered with and stay in the walk, after the linked ones.
 */
export async function verifyAuditChains(db: DbOrTx, params: { merchantId?: string; pageSize?: number } = {}): Promise<ChainReport[]> {
  const ids = params.merchantId
    ? [params.merchantId]
    : (await db.select({ id: merchants.id }).from(merchants).orderBy(asc(merchants.createdAt))).map((m) => m.id);
  const reports: ChainReport[] = [];
  for (const merchantId of ids) reports.push(await verifyMerchantChain(db, merchantId, params.pageSize ?? VERIFY_PAGE_SIZE));
  return reports;
}

async function verifyMerchantChain(db: DbOrTx, merchantId: string, pageSize: number): Promise<ChainReport> {
  const mine = eq(auditEvents.merchantId, merchantId);
  let walked = 0;
  let prev: string | null = null;
  let broken: ChainReport["broken"] = null;
  // Pages in chain order by place, then the rows with a hash but no place (by id): the order the whole walk takes.
  const pages = [
    (after: number | null) =>
      db.select().from(auditEvents).where(and(mine, isNotNull(auditEvents.chainSeq), after === null ? undefined : gt(auditEvents.chainSeq, after))).orderBy(asc(auditEvents.chainSeq)).limit(pageSize),
    (after: number | null) =>
      db
        .select()
        .from(auditEvents)
        .where(and(mine, isNull(auditEvents.chainSeq), isNotNull(auditEvents.hash), after === null ? undefined : gt(auditEvents.id, after)))
        .orderBy(asc(auditEvents.id))
        .limit(pageSize),
  ];
  for (const [part, page] of pages.entries()) {
    let after: number | null = null;
    while (!broken) {
      const rows = await page(after);
      const found = await verifyChain(rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })), prev);
      if (found) broken = { ...found, index: walked + found.index, eventId: rows[found.index].id };
      walked += rows.length;
      const last = rows.at(-1);
      if (last) prev = last.hash;
      if (!last || rows.length < pageSize) break;
      after = part === 0 ? last.chainSeq : last.id;
    }
    if (broken) break;
  }
  // One pass over the merchant's events for both counts: an unchained event has neither place nor hash.
  const waiting = sql`${auditEvents.chainSeq} is null and ${auditEvents.hash} is null`;
  const [tally] = await db
    .select({
      linked: sql<number>`count(*) filter (where not (${waiting}))`.mapWith(Number),
      unchained: sql<number>`count(*) filter (where ${waiting})`.mapWith(Number),
      oldest: sql<string | null>`min(${auditEvents.createdAt}) filter (where ${waiting})`,
    })
    .from(auditEvents)
    .where(mine);
  return {
    merchantId,
    events: tally?.linked ?? 0,
    unchained: tally?.unchained ?? 0,
    oldestUnchainedAt: tally?.oldest ? new Date(tally.oldest) : null,
    broken,
  };
}

/** One merchant's chain check as the API answers it. */
export interface AuditChainView {
  intact: boolean;
  events: number;
  unchained: number;
  oldestUnchainedAt: string | null;
  /** The first event whose hash or link does not check out, and its place in the walk (from 1). */
  broken: { eventId: number; position: number; reason: ChainBreak["reason"] } | null;
}

export async function verifyMerchantAuditChain(db: DbOrTx, merchantId: string): Promise<AuditChainView> {
  const [report] = await verifyAuditChains(db, { merchantId });
  return {
    intact: report.broken === null,
    events: report.events,
    unchained: report.unchained,
    oldestUnchainedAt: report.oldestUnchainedAt?.toISOString() ?? null,
    broken: report.broken ? { eventId: report.broken.eventId, position: report.broken.index + 1, reason: report.broken.reason } : null,
  };
}
