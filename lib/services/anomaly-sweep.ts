import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { chunks } from "@/lib/core/collections";
import { detectAnomalies, planRules, SELF_RESOLVING_KINDS, shouldAlert, type AnomalyKind, type AnomalyRule, type Finding, type RulePlan } from "@/lib/core/anomalies";
import { yuan } from "@/lib/core/anomalies/messages";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, SYSTEM, type AuditInput } from "@/lib/db/queries/audit";
import { anomalies, merchants, orders, users, type Merchant, type Payment } from "@/lib/db/schema";
import { toAnomalyView, type Resolution } from "@/lib/services/anomaly-view";
import { causeWords } from "@/lib/core/matching/explain";
import { applyWriteOff, enqueueAnomalyAlert, lockIgnorableByRule } from "@/lib/services/anomaly-actions";
import { setPaymentIgnored } from "@/lib/services/payment-ignore";
import { writeOffsOf } from "@/lib/core/matching/write-off-release";
import { loadDetectionInput } from "@/lib/services/anomaly-facts";
import { loadAnomalyRules } from "@/lib/services/anomaly-rules";
import { logger } from "@/lib/log";

/** What one sweep changed. */
export interface AnomalySweepResult {
  /** Anomalies opened (including those a rule settled at once). */
  opened: number;
  /** Anomalies resolved: by a rule on opening, or because their cause disappeared. */
  resolved: number;
}

const keyOf = (kind: string, subjectKey: string) => `${kind}|${subjectKey}`;

/** What a rule's final action did to settle a finding, for its resolution; null when it no longer applies. */
interface Settlement {
  ruleId: string;
  ruleName: string;
  note: string;
  resolution: Pick<Resolution, "writeOff" | "ignored">;
  audit: AuditInput[];
}

/**
 * Applies the plan's final action, re-checked under its locks: a write-off of an order's shortfall,
 * or money that found no order set aside as ignored (`ignorable`: its payment, locked and checked
 * when the plan was made).
 */
async function settleByRule(tx: DbOrTx, plan: RulePlan, finding: Finding, ignorable: Payment | null, anomalyId: string, now: Date): Promise<Settlement | null> {
  if (plan.writeOff && finding.orderId && finding.paymentId) {
    const { amount, reason, ruleId, ruleName } = plan.writeOff;
    const w = await applyWriteOff(tx, { orderId: finding.orderId, paymentId: finding.paymentId, amount, reason, ruleName, anomalyId, now });
    if (!w.applied) return null;
    const label = causeWords(reason);
    return {
      ruleId,
      ruleName,
      note: `${ruleName}：核销 ${yuan(amount)}（${label.zh}） / written off as ${label.en}`,
      resolution: { writeOff: { orderId: finding.orderId, amount, reason, before: w.before, after: w.after } },
      audit: w.audit,
    };
  }
  if (plan.ignore && ignorable) {
    const { paymentId, reason, ruleId, ruleName } = plan.ignore;
    const entry = await setPaymentIgnored(tx, ignorable, { reason, by: `rule:${ruleId}`, at: now.toISOString() }, { byPerson: false });
    return { ruleId, ruleName, note: `${ruleName}：已忽略收款（${reason}） / payment ignored: ${reason}`, resolution: { ignored: { paymentId, reason } }, audit: [entry] };
  }
  return null;
}

/**
 * Opens one anomaly for a finding (nothing if one is already unresolved for the subject: the
 * partial unique index decides), applies the merchant's rules to it, queues the alert, and audits
 * all of it in one transaction.
 */
async function openAnomaly(db: Db, merchantId: string, finding: Finding, rules: AnomalyRule[], now: Date) {
  return db.transaction(async (tx) => {
    let plan = planRules(rules, finding);
    // A rule that would set aside a payment it may not (matched meanwhile, or a person decided about it)
    // decides nothing: the rules are read again without it, so the ones after it still apply.
    let ignorable: Payment | null = null;
    while (plan.ignore && !(ignorable = await lockIgnorableByRule(tx, plan.ignore.paymentId))) {
      const skipped = plan.ignore.ruleId;
      rules = rules.filter((r) => r.id !== skipped);
      plan = planRules(rules, finding);
    }
    if (plan.assignTo) {
      // A rule may name a user who has since left; the anomaly opens unassigned rather than not at all.
      const [user] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, plan.assignTo), eq(users.merchantId, merchantId)));
      if (!user) plan.assignTo = null;
    }
    const [row] = await tx
      .insert(anomalies)
      .values({
        merchantId,
        kind: finding.kind,
        severity: plan.severity,
        status: "open",
        subjectKey: finding.subjectKey,
        paymentId: finding.paymentId,
        orderId: finding.orderId,
        message: finding.message.zh,
        details: {
          ...finding.details,
          fingerprint: finding.fingerprint,
          messageEn: finding.message.en,
          amount: finding.amount,
          difference: finding.difference,
          channel: finding.channel,
          ...(plan.applied.length ? { rules: plan.applied } : {}),
          ...(plan.markForRefund ? { refundRequested: true } : {}),
        },
        assignedTo: plan.assignTo,
        detectedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return { opened: false, resolved: false };
    const audit: AuditInput[] = [
      {
        action: "anomaly.opened",
        subjectType: "anomaly",
        subjectId: row.id,
        after: { kind: row.kind, severity: row.severity, subjectKey: row.subjectKey, paymentId: row.paymentId, orderId: row.orderId, message: finding.message },
      },
      ...plan.applied.map((a) => ({
        action: "anomaly.rule_applied",
        subjectType: "anomaly",
        subjectId: row.id,
        after: { ruleId: a.ruleId, ruleName: a.ruleName, actions: a.actions, severity: plan.severity, assignedTo: plan.assignTo },
      })),
    ];
    let current = row;
    const settlement = await settleByRule(tx, plan, finding, ignorable, row.id, now);
    if (settlement) {
      const { ruleId, ruleName, note } = settlement;
      const resolution: Resolution = { by: "rule", ruleId, ruleName, fingerprint: finding.fingerprint, ...settlement.resolution };
      [current] = await tx
        .update(anomalies)
        .set({ status: "resolved", resolvedAt: now, resolvedBy: `rule:${ruleId}`, resolutionNote: note, details: { ...row.details, resolution } })
        .where(eq(anomalies.id, row.id))
        .returning();
      audit.push(...settlement.audit, {
        action: "anomaly.resolved",
        subjectType: "anomaly",
        subjectId: row.id,
        before: { status: "open" },
        after: { status: "resolved", by: "rule", ruleId, rule: ruleName, note },
      });
    }
    const settled = settlement !== null;
    if (shouldAlert(settled ? plan : { ...plan, writeOff: null, ignore: null })) {
      const [order] = finding.orderId ? await tx.select({ reference: orders.reference }).from(orders).where(eq(orders.id, finding.orderId)) : [];
      await enqueueAnomalyAlert(tx, { merchantId, anomalyId: row.id, data: toAnomalyView(current, order?.reference ?? null), now });
    }
    await appendAuditEvents(tx, merchantId, SYSTEM, audit);
    return { opened: true, resolved: settled };
  });
}

/** Resolves an anomaly whose cause the sweep no longer finds; false if someone resolved it meanwhile. */
async function autoResolve(db: Db, merchantId: string, anomalyId: string, now: Date) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(anomalies)
      .where(and(eq(anomalies.id, anomalyId), ne(anomalies.status, "resolved")))
      .for("update");
    if (!row) return false;
    const resolution: Resolution = { by: "sweep" };
    const note = "原因已消失，自动解决 / the cause disappeared";
    await tx
      .update(anomalies)
      .set({ status: "resolved", resolvedAt: now, resolvedBy: "system", resolutionNote: note, details: { ...row.details, resolution } })
      .where(eq(anomalies.id, row.id));
    await appendAuditEvents(tx, merchantId, SYSTEM, [
      { action: "anomaly.resolved", subjectType: "anomaly", subjectId: row.id, before: { status: row.status }, after: { status: "resolved", by: "sweep", note } },
    ]);
    return true;
  });
}

/**
 * Findings a person or a rule already settled in this very state (same fingerprint) while its cause
 * lasted: not reopened. A decision whose cause has since gone (its resolution's `causeGoneAt`) settles
 * nothing that comes back later: money unmatched again, a write-off taken back by an unmatch. A new
 * decision on the anomaly (reopened, resolved again) is a new resolution, without the stamp.
 */
async function settledByPeople(db: Db, merchantId: string, findings: Finding[]) {
  const subjects = [...new Set(findings.map((f) => f.subjectKey))];
  const decided: { id: string; kind: string; subjectKey: string; details: Record<string, unknown> }[] = [];
  for (const run of chunks(subjects, 5000)) {
    decided.push(
      ...(await db
        .select({ id: anomalies.id, kind: anomalies.kind, subjectKey: anomalies.subjectKey, details: anomalies.details })
        .from(anomalies)
        .where(
          and(
            eq(anomalies.merchantId, merchantId),
            eq(anomalies.status, "resolved"),
            inArray(anomalies.subjectKey, run),
            sql`not coalesce(${anomalies.details} -> 'resolution' ? 'causeGoneAt', false)`,
          ),
        )),
    );
  }
  const writtenOff = await writeOffsInPlace(db, decided.flatMap((r) => (r.details.resolution as Resolution | undefined)?.writeOff?.orderId ?? []));
  const settled = new Set<string>();
  for (const r of decided) {
    const resolution = r.details.resolution as Resolution | undefined;
    // A rule that set the payment aside settled nothing a person decided: once someone brings the money
    // back, it is unmatched money again and its anomaly opens anew (the rule then leaves it alone).
    if (!resolution || resolution.by === "sweep" || resolution.ignored) continue;
    // A write-off taken back since (the payment unmatched) settles nothing any more.
    if (resolution.writeOff && !writtenOff.has(r.id)) continue;
    settled.add(`${keyOf(r.kind, r.subjectKey)}|${String(r.details.fingerprint)}`);
  }
  return settled;
}

/** The anomalies whose write-off is still on one of these orders (orders.details.writeOffs names the anomaly). */
async function writeOffsInPlace(db: Db, orderIds: string[]) {
  const inPlace = new Set<string>();
  for (const ids of chunks([...new Set(orderIds)], 5000)) {
    for (const o of await db.select({ details: orders.details }).from(orders).where(inArray(orders.id, ids))) {
      for (const w of writeOffsOf(o)) if (w.anomalyId) inPlace.add(w.anomalyId);
    }
  }
  return inPlace;
}

/**
 * Stamps `causeGoneAt` on the resolutions of decisions (a person's or a rule's resolution) whose cause this sweep no
 * longer finds, so the same cause returning is a new anomaly rather than one settled long ago. Each is
 * stamped once; what is left unstamped is only the decisions whose cause is still there.
 */
async function markCausesGone(db: Db, merchantId: string, found: Set<string>, now: Date) {
  const decided = await db
    .select({ id: anomalies.id, kind: anomalies.kind, subjectKey: anomalies.subjectKey })
    .from(anomalies)
    .where(
      and(
        eq(anomalies.merchantId, merchantId),
        eq(anomalies.status, "resolved"),
        sql`${anomalies.details} -> 'resolution' ->> 'by' in ('person', 'rule')`,
        sql`not (${anomalies.details} -> 'resolution' ? 'causeGoneAt')`,
      ),
    );
  const gone = decided.filter((a) => !found.has(keyOf(a.kind, a.subjectKey))).map((a) => a.id);
  for (const ids of chunks(gone, 5000)) {
    await db
      .update(anomalies)
      .set({ details: sql`jsonb_set(${anomalies.details}, '{resolution,causeGoneAt}', to_jsonb(${now.toISOString()}::text))` })
      .where(and(inArray(anomalies.id, ids), eq(anomalies.status, "resolved")));
  }
}

async function sweepMerchant(db: Db, merchant: Merchant, now: Date): Promise<AnomalySweepResult> {
  const rules = await loadAnomalyRules(db, merchant.id);
  const findings = detectAnomalies(await loadDetectionInput(db, merchant, now));
  const unresolved = await db
    .select({ id: anomalies.id, kind: anomalies.kind, subjectKey: anomalies.subjectKey })
    .from(anomalies)
    .where(and(eq(anomalies.merchantId, merchant.id), ne(anomalies.status, "resolved")));
  const openKeys = new Set(unresolved.map((a) => keyOf(a.kind, a.subjectKey)));
  const fresh = findings.filter((f) => !openKeys.has(keyOf(f.kind, f.subjectKey)));
  const settled = await settledByPeople(db, merchant.id, fresh);
  const result: AnomalySweepResult = { opened: 0, resolved: 0 };
  for (const f of fresh) {
    if (settled.has(`${keyOf(f.kind, f.subjectKey)}|${f.fingerprint}`)) continue;
    const r = await openAnomaly(db, merchant.id, f, rules, now);
    if (r.opened) result.opened++;
    if (r.resolved) result.resolved++;
  }
  const found = new Set(findings.map((f) => keyOf(f.kind, f.subjectKey)));
  await markCausesGone(db, merchant.id, found, now);
  for (const a of unresolved) {
    if (!SELF_RESOLVING_KINDS.has(a.kind as AnomalyKind) || found.has(keyOf(a.kind, a.subjectKey))) continue;
    if (await autoResolve(db, merchant.id, a.id, now)) result.resolved++;
  }
  return result;
}

/**
 * The anomaly sweep: detects, opens (deduplicated), applies rules and resolves anomalies whose cause
 * disappeared — for one merchant or all. Idempotent: a second run with nothing changed does nothing.
 */
export async function runAnomalySweep(db: Db, params: { merchantId?: string; now?: Date } = {}): Promise<AnomalySweepResult> {
  const now = params.now ?? new Date();
  const list = params.merchantId
    ? await db.select().from(merchants).where(eq(merchants.id, params.merchantId))
    : await db.select().from(merchants);
  const total: AnomalySweepResult = { opened: 0, resolved: 0 };
  for (const merchant of list) {
    try {
      const r = await sweepMerchant(db, merchant, now);
      total.opened += r.opened;
      total.resolved += r.resolved;
    } catch (err) {
      // One merchant's bad data must not stop everyone else's sweep; asked for one, the caller hears it.
      if (params.merchantId) throw err;
      logger.error({ err, merchantId: merchant.id }, "anomaly sweep failed for merchant");
    }
  }
  return total;
}
