import { and, desc, eq, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { isUuid } from "@/lib/core/ids";
import type { DbOrTx } from "@/lib/db/client";
import { apiKeys, auditEvents, channelAccounts, payments, statements, users } from "@/lib/db/schema";
import { encodeCursor, type PageCursor } from "@/lib/http/pagination";
import { actorJoins, actorLabel } from "@/lib/services/audit-log";

export interface StatementImportEntry {
  id: string;
  /** A statement or bill (its lines became payments) or a platform's order export (its lines became orders). */
  kind: "statement" | "orders";
  createdAt: string;
  /** The account a statement or bill was imported into; null for an order export. */
  channelAccount: { id: string; name: string; channel: string } | null;
  /** A statement format (cmb-csv, camt053…) or, for an order export, the platform (taobao, douyin). */
  format: string;
  fileSha256: string;
  /** Lines the file held (credits, debits, rows it could not read), and what became of its credits. */
  lineCount: number;
  imported: number;
  duplicates: number;
  /** Lines not recorded as payments: money going out, the bank's reversals; an order export's further sub-order lines. */
  skipped: number;
  rejected: number;
  /** An order export's orders already here that it closed, as the platform had (0 for a statement). */
  updated: number;
  /** An order export's orders already here that the platform changed in a way not applied (counted among rejected). */
  changed: number;
  /** Bill lines that confirmed payments a notify had already recorded, and refunds the file recorded. */
  confirmed: number;
  refunds: number;
  /** The file's payments still to be handled now (unmatched or suggested); 0 for an order export. */
  pending: number;
  /** Who imported it: `label` is the member's email or the API key's name and prefix. */
  importedBy: { type: string; label: string | null } | null;
}

const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/**
 * The merchant's imports (statements, bills and order exports), newest first, keyset-paged: each file's account, format,
 * counts (from its statement.imported audit event, which holds the full rejected count; the row keeps
 * only the first rejected lines) and who imported it.
 */
export async function listStatementImports(
  db: DbOrTx,
  p: { merchantId: string; cursor?: PageCursor | null; limit: number },
): Promise<{ data: StatementImportEntry[]; nextCursor: string | null }> {
  const where: SQL[] = [];
  if (p.cursor) {
    where.push(lte(statements.createdAt, p.cursor.at));
    where.push(or(lt(statements.createdAt, p.cursor.at), and(eq(statements.createdAt, p.cursor.at), lt(statements.id, p.cursor.id)))!);
  }
  const rows = await selectImports(db, p.merchantId, where, p.limit + 1);
  const page = rows.slice(0, p.limit);
  const last = page.at(-1);
  return {
    data: page.map(toEntry),
    nextCursor: rows.length > p.limit && last ? encodeCursor({ at: last.statement.createdAt, id: last.statement.id }) : null,
  };
}

/** One of the merchant's imports, or null when the id names none of them. */
export async function getStatementImport(db: DbOrTx, p: { merchantId: string; statementId: string }): Promise<StatementImportEntry | null> {
  if (!isUuid(p.statementId)) return null;
  const [row] = await selectImports(db, p.merchantId, [eq(statements.id, p.statementId)], 1);
  return row ? toEntry(row) : null;
}

function selectImports(db: DbOrTx, merchantId: string, where: SQL[], limit: number) {
  return db
    .select({
      statement: statements,
      account: { id: channelAccounts.id, name: channelAccounts.name, channel: channelAccounts.channel },
      actorType: auditEvents.actorType,
      after: auditEvents.after,
      actorLabel,
      // The file's own pending lines (from the partial index of pending statement payments: bulk-matched lines
      // are not in it) and the pending payments it confirmed (a bill's line for a notify we already had), as
      // the payments list filtered by the file shows them.
      pending: sql<number>`(select count(*)::int from ${payments} where ${payments.statementId} = ${statements.id} and ${payments.status} in ('unmatched', 'suggested'))
        + (select count(*)::int from ${payments} where ${payments.confirmedByStatementId} = ${statements.id}
            and ${payments.statementId} is distinct from ${statements.id} and ${payments.status} in ('unmatched', 'suggested'))`,
    })
    .from(statements)
    .leftJoin(channelAccounts, and(eq(channelAccounts.id, statements.channelAccountId), eq(channelAccounts.merchantId, merchantId)))
    .leftJoin(
      auditEvents,
      and(
        eq(auditEvents.merchantId, merchantId),
        eq(auditEvents.subjectType, "statement"),
        eq(auditEvents.subjectId, sql`${statements.id}::text`),
        inArray(auditEvents.action, ["statement.imported", "orders.imported"]),
      ),
    )
    .leftJoin(users, actorJoins.user(merchantId))
    .leftJoin(apiKeys, actorJoins.apiKey(merchantId))
    .where(and(eq(statements.merchantId, merchantId), ...where))
    .orderBy(desc(statements.createdAt), desc(statements.id))
    .limit(limit);
}

function toEntry({ statement: s, account, actorType, after, actorLabel: label, pending }: Awaited<ReturnType<typeof selectImports>>[number]): StatementImportEntry {
  return {
    id: s.id,
    kind: s.channelAccountId === null ? "orders" : "statement",
    createdAt: s.createdAt.toISOString(),
    channelAccount: account?.id ? { id: account.id, name: account.name, channel: account.channel } : null,
    format: s.format,
    fileSha256: s.fileSha256,
    lineCount: s.lineCount,
    imported: s.imported,
    duplicates: s.duplicates,
    skipped: count(after?.skipped),
    rejected: after ? count(after.rejected) : s.rejected.length,
    updated: count(after?.updated),
    changed: count(after?.changed),
    confirmed: count(after?.confirmed),
    refunds: count(after?.refunds),
    pending: Number(pending),
    importedBy: actorType ? { type: actorType, label: label ?? null } : null,
  };
}
