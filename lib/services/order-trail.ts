import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { allocations, anomalies, apiKeys, auditEvents, payments, refunds, users } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import { buildOrderView, findOrderByReference } from "@/lib/services/orders";
import { isUuid } from "@/lib/core/ids";

export interface TrailEvent {
  id: number;
  at: string;
  action: string;
  subjectType: string;
  subjectId: string;
  actor: { type: string; id: string | null; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * An order's fund trail: the audit events of the order, of every payment allocated to it or refunded
 * against it (or once allocated and later taken off it), and of the anomalies raised about either — oldest first, with who did each.
 * Read from the hash-chained audit log, so it shows what happened, not what the rows say now.
 */
export async function getOrderFundTrail(db: DbOrTx, merchantId: string, reference: string) {
  const order = await findOrderByReference(db, merchantId, reference);
  if (!order) throw notFound("Order");
  const [view, allocated, refunded, unallocated] = await Promise.all([
    buildOrderView(db, order),
    db.select({ paymentId: allocations.paymentId }).from(allocations).where(eq(allocations.orderId, order.id)),
    db
      .select({ refundId: refunds.id, paymentId: refunds.paymentId, channelRefundId: refunds.channelRefundId, amount: refunds.amount, refundedAt: refunds.refundedAt, channel: payments.channel })
      .from(refunds)
      .innerJoin(payments, eq(payments.id, refunds.paymentId))
      .where(eq(refunds.orderId, order.id))
      .orderBy(asc(refunds.refundedAt)),
    // The allocation row is gone once a person unmatches or re-splits; only the audit log still names the order.
    db
      .selectDistinct({ paymentId: auditEvents.subjectId })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.merchantId, merchantId),
          eq(auditEvents.subjectType, "payment"),
          eq(auditEvents.action, "allocation.removed"),
          sql`${auditEvents.before}->>'orderId' = ${order.id}`,
        ),
      ),
  ]);
  const current = new Set(allocated.map((a) => a.paymentId));
  const removedIds = unallocated.map((u) => u.paymentId).filter((id) => !current.has(id));
  const paymentIds = [...new Set([...current, ...refunded.map((r) => r.paymentId), ...removedIds])];
  const removedPayments = removedIds.length
    ? await db
        .select({ paymentId: payments.id, channel: payments.channel, amount: payments.amount, receivedAt: payments.receivedAt, status: payments.status })
        .from(payments)
        .where(and(eq(payments.merchantId, merchantId), inArray(payments.id, removedIds)))
        .orderBy(asc(payments.receivedAt))
    : [];
  const about = paymentIds.length ? or(eq(anomalies.orderId, order.id), inArray(anomalies.paymentId, paymentIds)) : eq(anomalies.orderId, order.id);
  const anomalyRows = await db
    .select({ id: anomalies.id, kind: anomalies.kind, severity: anomalies.severity, status: anomalies.status, message: anomalies.message, detectedAt: anomalies.detectedAt })
    .from(anomalies)
    .where(and(eq(anomalies.merchantId, merchantId), about));

  const subjects = [and(eq(auditEvents.subjectType, "order"), eq(auditEvents.subjectId, order.id))];
  if (paymentIds.length) subjects.push(and(eq(auditEvents.subjectType, "payment"), inArray(auditEvents.subjectId, paymentIds)));
  if (anomalyRows.length) subjects.push(and(eq(auditEvents.subjectType, "anomaly"), inArray(auditEvents.subjectId, anomalyRows.map((a) => a.id))));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.merchantId, merchantId), or(...subjects)))
    .orderBy(asc(auditEvents.id));

  const userIds = [...new Set(rows.filter((r) => r.actorType === "user" && r.actorId).map((r) => r.actorId!))].filter(isUuid);
  const keyIds = [...new Set(rows.filter((r) => r.actorType === "api_key" && r.actorId).map((r) => r.actorId!))].filter(isUuid);
  const [userNames, keyNames] = await Promise.all([
    userIds.length
      ? db.select({ id: users.id, name: users.email }).from(users).where(and(eq(users.merchantId, merchantId), inArray(users.id, userIds)))
      : [],
    keyIds.length
      ? db.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(and(eq(apiKeys.merchantId, merchantId), inArray(apiKeys.id, keyIds)))
      : [],
  ]);
  const names = new Map([...userNames, ...keyNames].map((n) => [n.id, n.name]));
  const events: TrailEvent[] = rows.map((r) => ({
    id: r.id,
    at: r.createdAt.toISOString(),
    action: r.action,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    actor: { type: r.actorType, id: r.actorId, name: r.actorId ? (names.get(r.actorId) ?? null) : null },
    before: r.before ?? null,
    after: r.after ?? null,
  }));
  return {
    order: { ...view, customerName: order.customerName, writtenOffAmount: order.writtenOffAmount },
    refunds: refunded.map((r) => ({ ...r, refundedAt: r.refundedAt.toISOString() })),
    removedPayments: removedPayments.map((p) => ({ ...p, receivedAt: p.receivedAt.toISOString() })),
    anomalies: anomalyRows.map((a) => ({ ...a, detectedAt: a.detectedAt.toISOString() })),
    events,
  };
}

export type OrderFundTrail = Awaited<ReturnType<typeof getOrderFundTrail>>;
