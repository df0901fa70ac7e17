import { and, desc, eq, gte, inArray, lt, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { normalizeReference } from "@/lib/core/reference/checksum";
import type { DbOrTx } from "@/lib/db/client";
import { apiKeys, auditEvents, channelAccounts, orderSourceEnum, orders, payments, users } from "@/lib/db/schema";
import { badRequest } from "@/lib/http/errors";
import { dateRangeParams, enumParam, searchParam } from "@/lib/http/pagination";
import { isUuid } from "@/lib/core/ids";

/** What an event is about, as the log's filter groups it (by the subject types each area's events name). */
export const AUDIT_AREAS = {
  payments: ["payment", "payer_alias"],
  orders: ["order"],
  statements: ["statement"],
  anomalies: ["anomaly", "rule"],
  settings: ["merchant", "channel_account", "api_key"],
  team: ["user"],
} as const satisfies Record<string, readonly string[]>;
export type AuditArea = keyof typeof AUDIT_AREAS;
export const AUDIT_ACTOR_TYPES = ["user", "api_key", "system", "channel"] as const;

export interface AuditLogParams {
  merchantId: string;
  area?: AuditArea;
  actorType?: (typeof AUDIT_ACTOR_TYPES)[number];
  /** Events at or after `from` and before `to`. */
  from?: Date | null;
  to?: Date | null;
  /**
   * Events about one thing, named as the merchant knows it: an order's reference or order number, a
   * payment's channel transaction id (or bill serial), or any subject's id.
   */
  subject?: string;
  /** Events older than this one (the previous page's nextCursor). */
  before?: number | null;
  limit: number;
}

export interface AuditLogEntry {
  id: number;
  createdAt: string;
  /** `label`: the user's email, the API key's name and prefix; null for the system and channels. */
  actor: { type: string; id: string | null; label: string | null };
  action: string;
  subjectType: string;
  subjectId: string;
  /** The order's reference when the subject is an order (its page is addressed by reference). */
  orderReference: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** The event's place in the merchant's hash chain; null for a moment after a notify, until it is linked. */
  chainSeq: number | null;
  hash: string | null;
}

const uuidWhen = (kind: AnyColumn, value: string, id: AnyColumn) => sql<string>`case when ${kind} = ${value} then ${id}::uuid end`;

/** Joins that name an audit event's actor within the merchant, by primary key (the text id is cast only for the kind of row that holds a uuid there). */
export const actorJoins = {
  user: (merchantId: string) => and(eq(users.id, uuidWhen(auditEvents.actorType, "user", auditEvents.actorId)), eq(users.merchantId, merchantId)),
  apiKey: (merchantId: string) => and(eq(apiKeys.id, uuidWhen(auditEvents.actorType, "api_key", auditEvents.actorId)), eq(apiKeys.merchantId, merchantId)),
};
/** The actor's label from those joins: the member's email, or the API key's name and prefix. */
export const actorLabel = sql<string | null>`coalesce(${users.email}, case when ${apiKeys.id} is null then null else ${apiKeys.name} || ' (' || ${apiKeys.prefix} || '…)' end)`;

/**
 * A page of the merchant's audit trail, newest first, keyset-paged by event id. Actors are named:
 * a user by email, an API key by name and prefix, each looked up within the merchant.
 */
export async function listAuditEvents(db: DbOrTx, p: AuditLogParams): Promise<{ data: AuditLogEntry[]; nextCursor: string | null }> {
  const where = [eq(auditEvents.merchantId, p.merchantId)];
  if (p.area) where.push(inArray(auditEvents.subjectType, [...AUDIT_AREAS[p.area]]));
  if (p.actorType) where.push(eq(auditEvents.actorType, p.actorType));
  if (p.before) where.push(lt(auditEvents.id, p.before));
  if (p.from) where.push(gte(auditEvents.createdAt, p.from));
  if (p.to) where.push(lt(auditEvents.createdAt, p.to));
  const subject = p.subject?.trim();
  if (subject) where.push(await subjectCondition(db, p.merchantId, subject));
  const rows = await db
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      actorType: auditEvents.actorType,
      actorId: auditEvents.actorId,
      action: auditEvents.action,
      subjectType: auditEvents.subjectType,
      subjectId: auditEvents.subjectId,
      before: auditEvents.before,
      after: auditEvents.after,
      chainSeq: auditEvents.chainSeq,
      hash: auditEvents.hash,
      actorLabel,
      orderReference: orders.reference,
    })
    .from(auditEvents)
    .leftJoin(users, actorJoins.user(p.merchantId))
    .leftJoin(apiKeys, actorJoins.apiKey(p.merchantId))
    .leftJoin(orders, and(eq(orders.id, uuidWhen(auditEvents.subjectType, "order", auditEvents.subjectId)), eq(orders.merchantId, p.merchantId)))
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  return {
    data: page.map((r) => ({
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      actor: { type: r.actorType, id: r.actorId, label: r.actorLabel ?? null },
      action: r.action,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      orderReference: r.orderReference,
      before: r.before ?? null,
      after: r.after ?? null,
      chainSeq: r.chainSeq,
      hash: r.hash,
    })),
    nextCursor: rows.length > p.limit ? String(page[page.length - 1].id) : null,
  };
}


/**
 * The subjects a search text names, resolved first through the keys that name them (so the events are
 * then found through their subject index): orders by reference or order number, payments by their
 * channel transaction id or serial, and any subject by id.
 */
async function subjectCondition(db: DbOrTx, merchantId: string, text: string): Promise<SQL> {
  // A reference copied from a memo may come grouped ("ABCD EFGH …").
  const reference = normalizeReference(text.replace(/\s+/g, ""));
  const [orderRows, byKey] = await Promise.all([
    db
      .select({ id: orders.id })
      .from(orders)
      .where(
        and(
          eq(orders.merchantId, merchantId),
          or(
            reference ? eq(orders.reference, reference) : undefined,
            // Every source named, so the (merchant, source, order number) key is probed once per source.
            and(inArray(orders.source, orderSourceEnum.enumValues), eq(orders.orderNo, text)),
          ),
        ),
      )
      .limit(20),
    db
      .select({ id: payments.id })
      .from(payments)
      .innerJoin(channelAccounts, eq(channelAccounts.id, payments.channelAccountId))
      .where(and(eq(channelAccounts.merchantId, merchantId), eq(payments.dedupeKey, text)))
      .limit(20),
  ]);
  // A bank line's key holds its date and amount beside its serial: by the serial alone it takes a pass
  // over the merchant's payments, so only when nothing else answers.
  const paymentRows =
    byKey.length || orderRows.length || isUuid(text)
      ? byKey
      : await db
          .select({ id: payments.id })
          .from(payments)
          .where(and(eq(payments.merchantId, merchantId), eq(payments.channelTransactionId, text)))
          .limit(20);
  const about = (type: string, ids: string[]) => (ids.length ? [and(eq(auditEvents.subjectType, type), inArray(auditEvents.subjectId, ids))!] : []);
  return or(
    // Every subject type named, so the (merchant, subject type, subject id) index is probed once per type.
    ...(isUuid(text) ? [and(inArray(auditEvents.subjectType, Object.values(AUDIT_AREAS).flat()), eq(auditEvents.subjectId, text.toLowerCase()))!] : []),
    ...about("order", orderRows.map((r) => r.id)),
    ...about("payment", paymentRows.map((r) => r.id)),
    sql`false`,
  )!;
}

/** The log's filters from a query string: `area`, `actor`, `from`, `to`, `q`, `cursor` (and `limit` for the API). */
export function auditFiltersFrom(q: URLSearchParams): Omit<AuditLogParams, "merchantId" | "limit"> {
  const cursor = q.get("cursor");
  if (cursor !== null && !/^[1-9][0-9]{0,15}$/.test(cursor)) throw badRequest("cursor: not a cursor from this API");
  return {
    area: enumParam(q, "area", Object.keys(AUDIT_AREAS) as AuditArea[]),
    actorType: enumParam(q, "actor", AUDIT_ACTOR_TYPES),
    ...dateRangeParams(q),
    subject: searchParam(q),
    before: cursor === null ? null : Number(cursor),
  };
}
