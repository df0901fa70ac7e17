import { asc, eq } from "drizzle-orm";
import { verifyChain, type ChainBreak } from "@/lib/core/audit/chain";
import type { DbOrTx } from "@/lib/db/client";
import { auditEvents, merchants } from "@/lib/db/schema";

export interface ChainReport {
  merchantId: string;
  events: number;
  /** The first broken link: the id of the event whose hash or predecessor does not check out. */
  broken: (ChainBreak & { eventId: number }) | null;
}

/** Re-computes every merchant's audit hash chain; an edited or deleted row breaks it at that point. */
export async function verifyAuditChains(db: DbOrTx, params: { merchantId?: string } = {}): Promise<ChainReport[]> {
  const ids = params.merchantId
    ? [params.merchantId]
    : (await db.select({ id: merchants.id }).from(merchants).orderBy(asc(merchants.createdAt))).map((m) => m.id);
  const reports: ChainReport[] = [];
  for (const merchantId of ids) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.merchantId, merchantId))
      .orderBy(asc(auditEvents.id));
    const broken = await verifyChain(rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })));
    reports.push({ merchantId, events: rows.length, broken: broken ? { ...broken, eventId: rows[broken.index].id } : null });
  }
  return reports;
}
