import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { ANOMALY_KINDS, DEFAULT_RULES, SEVERITIES, type AnomalyRule } from "@/lib/core/anomalies";
import { CHANNEL_NAMES } from "@/lib/core/channels/types";
import { WRITE_OFF_CAUSES } from "@/lib/core/matching/types";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, SYSTEM, type Actor } from "@/lib/db/queries/audit";
import { merchants, rules, users } from "@/lib/db/schema";
import { badRequest } from "@/lib/http/errors";

/** The `rules.kind` of anomaly-handling rules (other rule kinds belong to other features). */
export const ANOMALY_RULE_KIND = "anomaly";
/** Merchant setting set once the default rules were created, so deleting them all sticks. */
const INITIALIZED_SETTING = "anomalyRulesInitialized";
/** How many of DEFAULT_RULES the merchant has been given: presets added since reach merchants created before them. */
const PRESETS_SETTING = "anomalyRulePresets";
/** The presets there were before their count was kept: a merchant marked initialized then has these three. */
const PRESETS_BEFORE_COUNTING = 3;

const fen = z.number().int().min(0).max(1_000_000_000_000);
const minutes = z.number().int().min(0).max(10 * 365 * 24 * 60);

export const ruleConditionsSchema = z
  .object({
    kinds: z.array(z.enum(ANOMALY_KINDS)).max(ANOMALY_KINDS.length).optional(),
    channels: z.array(z.enum(CHANNEL_NAMES)).max(CHANNEL_NAMES.length).optional(),
    minAmount: fen.optional(),
    maxAmount: fen.optional(),
    minAgeMinutes: minutes.optional(),
    maxAgeMinutes: minutes.optional(),
    direction: z.enum(["shortfall", "surplus"]).optional(),
    minDifference: fen.optional(),
    maxDifference: fen.optional(),
    payerContains: z.string().trim().min(1).max(100).optional(),
    memoContains: z.array(z.string().trim().min(1).max(50)).min(1).max(20).optional(),
    payout: z.literal(true).optional(),
  })
  .strict();

export const ruleActionsSchema = z
  .object({
    writeOff: z.object({ reason: z.enum(WRITE_OFF_CAUSES) }).strict().optional(),
    assignTo: z.uuid().optional(),
    markForRefund: z.boolean().optional(),
    raiseSeverity: z.enum(SEVERITIES).optional(),
    notify: z.boolean().optional(),
    ignorePayment: z.object({ reason: z.string().trim().min(1).max(200) }).strict().optional(),
  })
  .strict()
  .refine((a) => Object.keys(a).length > 0, "a rule needs at least one action");

export const ruleInputSchema = z.object({
  id: z.uuid().optional(),
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  conditions: ruleConditionsSchema.default({}),
  actions: ruleActionsSchema,
});

export const putRulesSchema = z.object({ rules: z.array(ruleInputSchema).max(100) });
export type RuleInput = z.infer<typeof ruleInputSchema>;

// Merged in SQL so a concurrent change to another setting is never overwritten.
const markInitialized = sql`${merchants.settings} || ${JSON.stringify({ [INITIALIZED_SETTING]: true, [PRESETS_SETTING]: DEFAULT_RULES.length })}::jsonb`;

/** How many presets the merchant was given already (0 for a merchant whose rules were never needed). */
function presetsGiven(settings: Record<string, unknown>): number {
  const counted = settings[PRESETS_SETTING];
  if (typeof counted === "number") return counted;
  return settings[INITIALIZED_SETTING] === true ? PRESETS_BEFORE_COUNTING : 0;
}

type RuleRow = typeof rules.$inferSelect;

/** A stored rule as evaluation uses it; a row that no longer validates is left out rather than guessed at. */
function toRule(row: RuleRow): AnomalyRule | null {
  const conditions = ruleConditionsSchema.safeParse(row.conditions);
  const actions = ruleActionsSchema.safeParse(row.actions);
  if (!conditions.success || !actions.success) return null;
  return { id: row.id, name: row.name, position: row.position, enabled: row.enabled, conditions: conditions.data, actions: actions.data };
}

/** The rule as `GET /api/v1/rules` shows it. */
const toView = (row: RuleRow) => ({
  id: row.id,
  name: row.name,
  position: row.position,
  enabled: row.enabled,
  conditions: row.conditions,
  actions: row.actions,
  createdAt: row.createdAt.toISOString(),
});

const selectRules = (db: DbOrTx, merchantId: string) =>
  db
    .select()
    .from(rules)
    .where(and(eq(rules.merchantId, merchantId), eq(rules.kind, ANOMALY_RULE_KIND)))
    .orderBy(asc(rules.position), asc(rules.id));

/**
 * Creates the default rules the first time a merchant's rules are needed, and a preset added since
 * once for a merchant created before it (each preset once: one the merchant deleted stays deleted);
 * idempotent and race-safe.
 */
export async function ensureDefaultRules(db: Db, merchantId: string): Promise<void> {
  const [m] = await db.select({ settings: merchants.settings }).from(merchants).where(eq(merchants.id, merchantId));
  if (!m || presetsGiven(m.settings) >= DEFAULT_RULES.length) return;
  await db.transaction(async (tx) => {
    const [locked] = await tx.select({ settings: merchants.settings }).from(merchants).where(eq(merchants.id, merchantId)).for("no key update");
    const given = presetsGiven(locked.settings);
    if (given >= DEFAULT_RULES.length) return;
    const created = await tx
      .insert(rules)
      .values(DEFAULT_RULES.slice(given).map((r) => ({ merchantId, kind: ANOMALY_RULE_KIND, ...r, conditions: { ...r.conditions }, actions: { ...r.actions } })))
      .returning();
    await tx
      .update(merchants)
      .set({ settings: markInitialized })
      .where(eq(merchants.id, merchantId));
    await appendAuditEvents(
      tx,
      merchantId,
      SYSTEM,
      created.map((r) => ({ action: "rule.created", subjectType: "rule", subjectId: r.id, after: { name: r.name, conditions: r.conditions, actions: r.actions, default: true } })),
    );
  });
}

/** The merchant's anomaly rules in evaluation order (defaults created on first use). */
export async function loadAnomalyRules(db: Db, merchantId: string): Promise<AnomalyRule[]> {
  await ensureDefaultRules(db, merchantId);
  return (await selectRules(db, merchantId)).map(toRule).filter((r): r is AnomalyRule => r !== null);
}

/** `GET /api/v1/rules`. */
export async function listAnomalyRules(db: Db, merchantId: string) {
  await ensureDefaultRules(db, merchantId);
  return (await selectRules(db, merchantId)).map(toView);
}

/**
 * `PUT /api/v1/rules`: replaces the merchant's anomaly rules with the given list, in that order.
 * A rule sent back with its id keeps it, so past anomalies still name the same rule.
 */
export async function replaceAnomalyRules(db: Db, params: { merchantId: string; actor: Actor; rules: RuleInput[] }) {
  const { merchantId } = params;
  const assignees = [...new Set(params.rules.map((r) => r.actions.assignTo).filter((u): u is string => !!u))];
  if (assignees.length) {
    const found = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.merchantId, merchantId), inArray(users.id, assignees)));
    const known = new Set(found.map((u) => u.id));
    const index = params.rules.findIndex((r) => r.actions.assignTo && !known.has(r.actions.assignTo));
    if (index >= 0) throw badRequest(`rules.${index}.actions.assignTo: no such user`, "invalid_field");
  }
  const ids = params.rules.map((r) => r.id).filter((id): id is string => !!id);
  if (new Set(ids).size !== ids.length) throw badRequest("rules: the same id appears twice", "invalid_field");
  return db.transaction(async (tx) => {
    await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, merchantId)).for("no key update");
    const before = await selectRules(tx, merchantId);
    const mine = new Set(before.map((r) => r.id));
    await tx.delete(rules).where(and(eq(rules.merchantId, merchantId), eq(rules.kind, ANOMALY_RULE_KIND)));
    const after = params.rules.length
      ? await tx
          .insert(rules)
          .values(
            params.rules.map((r, i) => ({
              // Only the merchant's own ids are kept: an id from elsewhere gets a fresh one.
              ...(r.id && mine.has(r.id) ? { id: r.id } : {}),
              merchantId,
              kind: ANOMALY_RULE_KIND,
              position: (i + 1) * 10,
              name: r.name,
              enabled: r.enabled,
              conditions: r.conditions,
              actions: r.actions,
            })),
          )
          .returning()
      : [];
    await tx
      .update(merchants)
      .set({ settings: markInitialized })
      .where(eq(merchants.id, merchantId));
    const sorted = [...after].sort((a, b) => a.position - b.position);
    await appendAuditEvents(tx, merchantId, params.actor, [
      {
        action: "rules.replaced",
        subjectType: "merchant",
        subjectId: merchantId,
        before: { rules: before.map((r) => ({ id: r.id, name: r.name, enabled: r.enabled, conditions: r.conditions, actions: r.actions })) },
        after: { rules: sorted.map((r) => ({ id: r.id, name: r.name, enabled: r.enabled, conditions: r.conditions, actions: r.actions })) },
      },
    ]);
    return sorted.map(toView);
  });
}
