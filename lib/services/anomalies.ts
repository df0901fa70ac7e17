import { and, desc, eq, lt, ne, or, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor, type AuditInput } from "@/lib/db/queries/audit";
import { isUniqueViolation } from "@/lib/db/errors";
import { anomalies, orders } from "@/lib/db/schema";
import { badRequest, conflict, notFound } from "@/lib/http/errors";
import { isStorableInstant } from "@/lib/http/pagination";
import { reverseWriteOff, unignoreByRule } from "@/lib/services/anomaly-actions";
import { actorLabel, toAnomalyView, type AnomalyRow, type Resolution } from "@/lib/services/anomaly-view";
import { isUuid } from "@/lib/core/ids";

export { runAnomalySweep, type AnomalySweepResult } from "@/lib/services/anomaly-sweep";
export { toAnomalyView, type AnomalyView } from "@/lib/services/anomaly-view";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function referenceOf(db: DbOrTx, orderId: string | null) {
  if (!orderId) return null;
  const [o] = await db.select({ reference: orders.reference }).from(orders).where(eq(orders.id, orderId));
  return o?.reference ?? null;
}

/** One anomaly of the merchant; another merchant's (or a malformed id) is 404. */
export async function getAnomalyView(db: DbOrTx, merchantId: string, anomalyId: string) {
  if (!isUuid(anomalyId)) throw notFound("Anomaly");
  const [row] = await db
    .select()
    .from(anomalies)
    .where(and(eq(anomalies.id, anomalyId), eq(anomalies.merchantId, merchantId)));
  if (!row) throw notFound("Anomaly");
  return toAnomalyView(row, await referenceOf(db, row.orderId));
}

export const ANOMALY_STATUS_FILTERS = ["open", "acknowledged", "resolved", "unresolved"] as const;

export interface ListAnomaliesParams {
  /** `unresolved` = open or acknowledged. */
  status?: (typeof ANOMALY_STATUS_FILTERS)[number];
  kind?: string;
  limit?: number;
  cursor?: string;
}

const encodeCursor = (row: AnomalyRow) => Buffer.from(`${row.detectedAt.toISOString()}|${row.id}`).toString("base64url");

// The shared cursors' rule for the date (one the database stores), with this route's error code.
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  if (!id || !isUuid(id) || !isStorableInstant(date)) throw badRequest("cursor: not a cursor this API returned", "invalid_field");
  return { at: date, id };
}

/** The merchant's anomalies, newest first, paged by cursor. */
export async function listAnomalies(db: DbOrTx, merchantId: string, params: ListAnomaliesParams) {
  const limit = params.limit ?? 50;
  const where: (SQL | undefined)[] = [eq(anomalies.merchantId, merchantId)];
  if (params.status === "unresolved") where.push(ne(anomalies.status, "resolved"));
  else if (params.status) where.push(eq(anomalies.status, params.status));
  if (params.kind) where.push(eq(anomalies.kind, params.kind));
  if (params.cursor) {
    const c = decodeCursor(params.cursor);
    where.push(or(lt(anomalies.detectedAt, c.at), and(eq(anomalies.detectedAt, c.at), lt(anomalies.id, c.id))));
  }
  const rows = await db
    .select({ anomaly: anomalies, reference: orders.reference })
    .from(anomalies)
    .leftJoin(orders, eq(orders.id, anomalies.orderId))
    .where(and(...where))
    .orderBy(desc(anomalies.detectedAt), desc(anomalies.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => toAnomalyView(r.anomaly, r.reference)),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].anomaly) : null,
  };
}

async function lockAnomaly(tx: DbOrTx, merchantId: string, anomalyId: string) {
  if (!isUuid(anomalyId)) throw notFound("Anomaly");
  const [row] = await tx
    .select()
    .from(anomalies)
    .where(and(eq(anomalies.id, anomalyId), eq(anomalies.merchantId, merchantId)))
    .for("update");
  if (!row) throw notFound("Anomaly");
  return row;
}

interface ChangeParams {
  merchantId: string;
  anomalyId: string;
  actor: Actor;
  note?: string;
  now?: Date;
}

/** open → acknowledged (someone is on it). Acknowledging again changes nothing; a resolved one is 409. */
export async function acknowledgeAnomaly(db: Db, params: ChangeParams) {
  const now = params.now ?? new Date();
  await db.transaction(async (tx) => {
    const row = await lockAnomaly(tx, params.merchantId, params.anomalyId);
    if (row.status === "acknowledged") return;
    if (row.status === "resolved") throw conflict("Anomaly is already resolved; reopen it first", "anomaly_resolved");
    const by = actorLabel(params.actor);
    await tx
      .update(anomalies)
      .set({
        status: "acknowledged",
        acknowledgedAt: now,
        acknowledgedBy: by,
        details: params.note ? { ...row.details, acknowledgeNote: params.note } : row.details,
      })
      .where(eq(anomalies.id, row.id));
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      { action: "anomaly.acknowledged", subjectType: "anomaly", subjectId: row.id, before: { status: row.status }, after: { status: "acknowledged", note: params.note ?? null } },
    ]);
  });
  return getAnomalyView(db, params.merchantId, params.anomalyId);
}

/** Resolves by a person's decision, with a note. Resolving again changes nothing. */
export async function resolveAnomaly(db: Db, params: ChangeParams & { note: string }) {
  const now = params.now ?? new Date();
  await db.transaction(async (tx) => {
    const row = await lockAnomaly(tx, params.merchantId, params.anomalyId);
    if (row.status === "resolved") return;
    const by = actorLabel(params.actor);
    // The fingerprint keeps the sweep from reopening what a person settled, until the cause changes.
    const resolution: Resolution = { by: "person", actor: by, fingerprint: row.details.fingerprint ?? null };
    await tx
      .update(anomalies)
      .set({ status: "resolved", resolvedAt: now, resolvedBy: by, resolutionNote: params.note, details: { ...row.details, resolution } })
      .where(eq(anomalies.id, row.id));
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      { action: "anomaly.resolved", subjectType: "anomaly", subjectId: row.id, before: { status: row.status }, after: { status: "resolved", note: params.note } },
    ]);
  });
  return getAnomalyView(db, params.merchantId, params.anomalyId);
}

/**
 * Reopens a resolved anomaly and undoes what its resolution did: a write-off is taken back and the
 * order's status re-derived; a payment a rule set aside is unmatched again. 409 when another unresolved anomaly already covers the same subject.
 */
export async function reopenAnomaly(db: Db, params: ChangeParams) {
  const now = params.now ?? new Date();
  try {
    await db.transaction(async (tx) => {
      const row = await lockAnomaly(tx, params.merchantId, params.anomalyId);
      if (row.status !== "resolved") return;
      const [other] = await tx
        .select({ id: anomalies.id })
        .from(anomalies)
        .where(
          and(
            eq(anomalies.merchantId, row.merchantId),
            eq(anomalies.kind, row.kind),
            eq(anomalies.subjectKey, row.subjectKey),
            ne(anomalies.status, "resolved"),
          ),
        );
      if (other) throw conflict(`Anomaly ${other.id} is already open for the same subject`, "anomaly_open");
      const { resolution, ...rest } = row.details as { resolution?: Resolution } & Record<string, unknown>;
      const audit: AuditInput[] = [];
      let reversed: number | null = null;
      if (resolution?.writeOff) {
        const w = await reverseWriteOff(tx, { orderId: resolution.writeOff.orderId, anomalyId: row.id, now });
        audit.push(...w.audit);
        reversed = w.before - w.after;
      }
      // A payment a rule set aside comes back to be matched, unless someone decided about it since.
      const unignored = resolution?.ignored ? await unignoreByRule(tx, { paymentId: resolution.ignored.paymentId, ruleId: resolution.ruleId }, now) : null;
      if (unignored) audit.push(unignored);
      const history = Array.isArray(rest.history) ? rest.history : [];
      await tx
        .update(anomalies)
        .set({
          status: "open",
          resolvedAt: null,
          resolvedBy: null,
          resolutionNote: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
          details: {
            ...rest,
            history: [...history, { ...resolution, resolvedAt: iso(row.resolvedAt), resolvedBy: row.resolvedBy, note: row.resolutionNote, reopenedAt: now.toISOString(), reopenedBy: actorLabel(params.actor), reopenNote: params.note ?? null }],
          },
        })
        .where(eq(anomalies.id, row.id));
      audit.push({
        action: "anomaly.reopened",
        subjectType: "anomaly",
        subjectId: row.id,
        before: { status: "resolved", resolvedBy: row.resolvedBy, note: row.resolutionNote },
        after: { status: "open", writeOffReversed: reversed, ...(unignored ? { paymentUnignored: resolution?.ignored?.paymentId } : {}), note: params.note ?? null },
      });
      await appendAuditEvents(tx, params.merchantId, params.actor, audit);
    });
  } catch (err) {
    // Two reopens racing: the partial unique index lets only one subject stay open.
    if (isUniqueViolation(err)) throw conflict("Another anomaly is already open for the same subject", "anomaly_open");
    throw err;
  }
  return getAnomalyView(db, params.merchantId, params.anomalyId);
}
