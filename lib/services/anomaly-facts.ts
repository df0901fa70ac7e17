import { and, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { DetectionInput, OrderFacts, PaymentFacts } from "@/lib/core/anomalies";
import type { DbOrTx } from "@/lib/db/client";
import {
  allocations,
  anomalies,
  auditEvents,
  channelAccounts,
  orders,
  payments,
  refunds,
  rejectedNotifications,
  statements,
  type Merchant,
} from "@/lib/db/schema";
import { chunks } from "@/lib/core/collections";
import { isUuid } from "@/lib/core/ids";
import { CERTIFICATE_CHANNELS, certificatesExpireAt } from "@/lib/core/channels/credential-fields";
import { decryptJson } from "@/lib/crypto/secrets";
import { writeOffsOf } from "@/lib/core/matching/write-off-release";

/** Merchant setting (fen): differences up to this are routine even when written off by tolerance. */
export const DIFFERENCE_LIMIT_SETTING = "anomalyDifferenceLimit";
const DEFAULT_DIFFERENCE_LIMIT = 100;
// Event-like evidence only matters while it is recent; state-like causes are read in full.
const REFUSED_REFUND_LOOKBACK_MS = 30 * 24 * 3600_000;
const SIGNATURE_LOOKBACK_MS = 24 * 3600_000;
const BILL_GRACE_MS = 48 * 3600_000;
const BILL_LAG = sql`interval '24 hours'`;

const uniq = (xs: string[]) => [...new Set(xs)];
// Ids bound per statement: far below PostgreSQL's 65,535 parameters.
const ID_CHUNK = 5000;

/** The merchant's detection settings, defaults filled in. */
export function detectionSettings(merchant: Merchant): DetectionInput["settings"] {
  const limit = merchant.settings[DIFFERENCE_LIMIT_SETTING];
  return {
    unmatchedThresholdMinutes: merchant.unmatchedThresholdMinutes,
    differenceLimit: typeof limit === "number" && Number.isSafeInteger(limit) && limit >= 0 ? limit : DEFAULT_DIFFERENCE_LIMIT,
    timeZone: merchant.timezone,
  };
}

const toPaymentFacts = (p: typeof payments.$inferSelect): PaymentFacts => ({
  id: p.id,
  channelAccountId: p.channelAccountId,
  channel: p.channel,
  origin: p.origin,
  channelTransactionId: p.channelTransactionId,
  amount: p.amount,
  currency: p.currency,
  receivedAt: p.receivedAt,
  recordedAt: p.createdAt,
  status: p.status,
  allocatedAmount: p.allocatedAmount,
  refundedAmount: p.refundedAmount,
  payerName: p.payerName,
  memo: p.memo,
  confirmedByBillAt: p.confirmedByBillAt,
  statementId: p.statementId,
  details: p.details,
});

const toOrderFacts = (o: typeof orders.$inferSelect): OrderFacts => ({
  id: o.id,
  reference: o.reference,
  amount: o.amount,
  currency: o.currency,
  status: o.status,
  paidAmount: o.paidAmount,
  refundedAmount: o.refundedAmount,
  writtenOffAmount: o.writtenOffAmount,
  expiresAt: o.expiresAt,
  closedAt: o.closedAt,
});

/**
 * Reads what the detectors need for one merchant. Every query selects a superset of the rows a
 * state-like cause could come from (never a time window), so a cause missing from the findings
 * really is gone and its anomaly may be resolved.
 */
export async function loadDetectionInput(db: DbOrTx, merchant: Merchant, now: Date): Promise<DetectionInput> {
  const m = merchant.id;
  const settings = detectionSettings(merchant);

  const duplicateSerials = db
    .select({ account: payments.channelAccountId, serial: payments.channelTransactionId })
    .from(payments)
    .where(eq(payments.merchantId, m))
    .groupBy(payments.channelAccountId, payments.channelTransactionId)
    .having(sql`count(*) > 1`);
  const billCutoff = new Date(now.getTime() - BILL_GRACE_MS);
  const paymentRows = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, m),
        or(
          inArray(payments.status, ["unmatched", "suggested"]),
          // A payment's matching note only speaks while the payment is on no order (amount-mismatch detector).
          and(sql`${payments.details} ? 'amountMismatch'`, eq(payments.allocatedAmount, 0)),
          sql`${payments.details} ? 'billMismatch'`,
          sql`(${payments.channelAccountId}, ${payments.channelTransactionId}) in (${duplicateSerials})`,
          and(
            eq(payments.origin, "notify"),
            isNull(payments.confirmedByBillAt),
            lt(payments.receivedAt, billCutoff),
            sql`exists (select 1 from ${statements} where ${statements.channelAccountId} = ${payments.channelAccountId}
                        and ${statements.createdAt} >= ${payments.receivedAt} + ${BILL_LAG})`,
          ),
        ),
      ),
    );

  const paidTwice = db
    .select({ orderId: allocations.orderId })
    .from(allocations)
    .innerJoin(orders, eq(orders.id, allocations.orderId))
    .where(and(eq(allocations.merchantId, m), sql`${allocations.amount} >= ${orders.amount}`))
    .groupBy(allocations.orderId)
    .having(sql`count(distinct ${allocations.paymentId}) > 1`);
  const lateAllocations = db
    .select({ orderId: allocations.orderId })
    .from(allocations)
    .innerJoin(orders, eq(orders.id, allocations.orderId))
    .innerJoin(payments, eq(payments.id, allocations.paymentId))
    .where(
      and(
        eq(allocations.merchantId, m),
        or(lt(orders.expiresAt, payments.receivedAt), lt(orders.closedAt, payments.receivedAt), eq(orders.status, "closed")),
      ),
    );
  const orderRows = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.merchantId, m),
        or(
          inArray(orders.status, ["partially_paid", "overpaid"]),
          // Only a write-off above the limit can be reported; a unique amount's tail or a coupon on every sale is not.
          gt(orders.writtenOffAmount, settings.differenceLimit),
          inArray(orders.id, paidTwice),
          inArray(orders.id, lateAllocations),
        ),
      ),
    );

  // The allocations of the loaded orders and payments, in runs of ids (a backlog of unmatched payments can
  // be far more than one statement may bind); an allocation reached both ways is kept once.
  const allocationColumns = { id: allocations.id, paymentId: allocations.paymentId, orderId: allocations.orderId, amount: allocations.amount };
  const allocationsById = new Map<string, { paymentId: string; orderId: string; amount: number }>();
  const byOrders = chunks(orderRows.map((o) => o.id), ID_CHUNK).map((ids) => and(eq(allocations.merchantId, m), inArray(allocations.orderId, ids)));
  const byPayments = chunks(paymentRows.map((p) => p.id), ID_CHUNK).map((ids) => and(eq(allocations.merchantId, m), inArray(allocations.paymentId, ids)));
  for (const where of [...byOrders, ...byPayments]) {
    for (const { id, ...a } of await db.select(allocationColumns).from(allocations).where(where)) allocationsById.set(id, a);
  }
  const allocationRows = [...allocationsById.values()];

  const refundTotals = await db
    .select({ paymentId: refunds.paymentId, total: sql<string>`sum(${refunds.amount})` })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(eq(refunds.merchantId, m))
    .groupBy(refunds.paymentId, payments.amount)
    .having(sql`sum(${refunds.amount}) > ${payments.amount}`);

  const refusals = await db
    .select({ id: auditEvents.id, subjectId: auditEvents.subjectId, after: auditEvents.after, createdAt: auditEvents.createdAt })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.merchantId, m),
        eq(auditEvents.action, "refund.refused"),
        gt(auditEvents.createdAt, new Date(now.getTime() - REFUSED_REFUND_LOOKBACK_MS)),
      ),
    );

  // Payments the other sources point at but the first query did not load.
  const known = new Set(paymentRows.map((p) => p.id));
  const missing = uniq([
    ...allocationRows.map((a) => a.paymentId),
    ...refundTotals.map((r) => r.paymentId),
    ...refusals.map((r) => r.subjectId).filter(isUuid),
  ]).filter((id) => !known.has(id));
  const extraPayments: (typeof payments.$inferSelect)[] = [];
  for (const ids of chunks(missing, ID_CHUNK)) {
    extraPayments.push(...(await db.select().from(payments).where(and(eq(payments.merchantId, m), inArray(payments.id, ids)))));
  }

  const rejected = await db
    .select({ channelAccountId: rejectedNotifications.channelAccountId, channel: channelAccounts.channel, receivedAt: rejectedNotifications.receivedAt })
    .from(rejectedNotifications)
    .innerJoin(channelAccounts, eq(channelAccounts.id, rejectedNotifications.channelAccountId))
    .where(
      and(
        eq(rejectedNotifications.merchantId, m),
        gt(rejectedNotifications.receivedAt, new Date(now.getTime() - SIGNATURE_LOOKBACK_MS)),
        lte(rejectedNotifications.receivedAt, now),
      ),
    );

  // Only accounts of channels that verify with certificates hold any; their credentials are decrypted to read the dates.
  const certificateAccounts = await db
    .select({ id: channelAccounts.id, channel: channelAccounts.channel, name: channelAccounts.name, credentialsEnc: channelAccounts.credentialsEnc })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.merchantId, m), isNull(channelAccounts.disabledAt), inArray(channelAccounts.channel, [...CERTIFICATE_CHANNELS])));
  const credentialExpiries = certificateAccounts.flatMap((a) => {
    const at = certificatesExpireAt(a.channel, decryptJson<Record<string, unknown>>(a.credentialsEnc));
    return at ? [{ channelAccountId: a.id, channel: a.channel, name: a.name, certificatesExpireAt: at }] : [];
  });

  const lastStatements = await db
    .select({ accountId: statements.channelAccountId, at: sql<string>`max(${statements.createdAt})` })
    .from(statements)
    .where(and(eq(statements.merchantId, m), isNotNull(statements.channelAccountId)))
    .groupBy(statements.channelAccountId);

  const acceptedRows = await db
    .select({ id: anomalies.id, orderId: anomalies.orderId, details: anomalies.details })
    .from(anomalies)
    .where(
      and(
        eq(anomalies.merchantId, m),
        eq(anomalies.status, "resolved"),
        isNotNull(anomalies.orderId),
        sql`${anomalies.details} -> 'resolution' -> 'writeOff' is not null`,
      ),
    );
  // A write-off accepted by a resolution counts while it is still on its order: one an unmatch took back
  // accepts nothing that is written off later.
  const loadedOrders = new Map(orderRows.map((o) => [o.id, o]));
  const acceptedWriteOffs = new Map<string, number>();
  for (const row of acceptedRows) {
    const amount = (row.details.resolution as { writeOff?: { amount?: unknown } }).writeOff?.amount;
    const order = row.orderId ? loadedOrders.get(row.orderId) : undefined;
    if (!order || typeof amount !== "number" || !writeOffsOf(order).some((w) => w.anomalyId === row.id)) continue;
    acceptedWriteOffs.set(order.id, (acceptedWriteOffs.get(order.id) ?? 0) + amount);
  }

  return {
    now,
    settings,
    payments: [...paymentRows, ...extraPayments].map(toPaymentFacts),
    orders: orderRows.map(toOrderFacts),
    allocations: allocationRows,
    refundTotals: new Map(refundTotals.map((r) => [r.paymentId, Number(r.total)])),
    refusedRefunds: refusals.map((r) => {
      const after = (r.after ?? {}) as { amount?: unknown; reason?: unknown };
      return {
        auditEventId: r.id,
        paymentId: r.subjectId,
        amount: typeof after.amount === "number" ? after.amount : 0,
        reason: typeof after.reason === "string" ? after.reason : "",
        at: r.createdAt,
      };
    }),
    rejectedNotifications: rejected,
    credentialExpiries,
    lastStatementAt: new Map(lastStatements.filter((s) => s.accountId).map((s) => [s.accountId!, new Date(s.at)])),
    acceptedWriteOffs,
  };
}
