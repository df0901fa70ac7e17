import { asc, eq } from "drizzle-orm";
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

/** Re-computes every merchant's audit hash chain in chain order; an edited or deleted row breaks it at that point. */
export async function verifyAuditChains(db: DbOrTx, params: { merchantId?: string } = {}): Promise<ChainReport[]> {
  const ids = params.merchantId
    ? [params.merchantId]
    : (await db.select({ id: merchants.id }).from(merchants).orderBy(asc(merchants.createdAt))).map((m) => m.id);
  const reports: ChainReport[] = [];
  for (const merchantId of ids) {
    const all = await db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.merchantId, merchantId))
      .orderBy(asc(auditEvents.chainSeq), asc(auditEvents.id));
    // An unlinked row has neither place nor hash; one with only one of them was tampered with and stays in the walk.
    const unchained = all.filter((r) => r.chainSeq === null && r.hash === null);
    const rows = all.filter((r) => !(r.chainSeq === null && r.hash === null));
    const broken = await verifyChain(rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })));
    reports.push({
      merchantId,
      events: rows.length,
      unchained: unchained.length,
      oldestUnchainedAt: unchained.length ? new Date(Math.min(...unchained.map((r) => r.createdAt.getTime()))) : null,
      broken: broken ? { ...broken, eventId: rows[broken.index].id } : null,
    });
  }
  return reports;
}
