import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { WRITE_OFF_CAUSES } from "@/lib/core/matching/types";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { channelEnum, merchants, rules } from "@/lib/db/schema";
import { TOLERANCE_RULE_KIND } from "@/lib/services/matching-candidates";

/** One amount tolerance as the API takes it; at least one limit is required. */
export const toleranceRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean().default(true),
    channels: z.array(z.enum(channelEnum.enumValues)).max(20).default([]),
    maxShortfallFen: z.number().int().min(0).max(100_000_000).optional(),
    maxShortfallPercent: z.number().min(0).max(100).optional(),
    cause: z.enum(WRITE_OFF_CAUSES as [string, ...string[]]),
  })
  .refine((r) => r.maxShortfallFen !== undefined || r.maxShortfallPercent !== undefined, {
    message: "set maxShortfallFen, maxShortfallPercent or both",
    path: ["maxShortfallFen"],
  });
export const putToleranceRulesSchema = z.object({ rules: z.array(toleranceRuleSchema).max(50) });
export type ToleranceRuleInput = z.infer<typeof toleranceRuleSchema>;

/** The merchant's amount tolerances in evaluation order (none by default: nothing short is accepted). */
export async function listToleranceRules(db: DbOrTx, merchantId: string) {
  const rows = await db
    .select()
    .from(rules)
    .where(and(eq(rules.merchantId, merchantId), eq(rules.kind, TOLERANCE_RULE_KIND)))
    .orderBy(asc(rules.position));
  return rows.map((r) => ({ id: r.id, name: r.name, enabled: r.enabled, ...r.conditions, ...r.actions }));
}

/** Replaces the merchant's amount tolerances with `input`, in that order, with one audit event. */
export async function replaceToleranceRules(db: Db, params: { merchantId: string; actor: Actor; rules: ToleranceRuleInput[] }) {
  await db.transaction(async (tx) => {
    await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, params.merchantId)).for("no key update");
    const before = await listToleranceRules(tx, params.merchantId);
    await tx.delete(rules).where(and(eq(rules.merchantId, params.merchantId), eq(rules.kind, TOLERANCE_RULE_KIND)));
    if (params.rules.length) {
      await tx.insert(rules).values(
        params.rules.map((r, i) => ({
          merchantId: params.merchantId,
          kind: TOLERANCE_RULE_KIND,
          position: (i + 1) * 10,
          name: r.name,
          enabled: r.enabled,
          conditions: { channels: r.channels },
          actions: {
            ...(r.maxShortfallFen !== undefined ? { maxShortfallFen: r.maxShortfallFen } : {}),
            ...(r.maxShortfallPercent !== undefined ? { maxShortfallPercent: r.maxShortfallPercent } : {}),
            cause: r.cause,
          },
        })),
      );
    }
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      { action: "tolerance_rules.replaced", subjectType: "merchant", subjectId: params.merchantId, before: { rules: before }, after: { rules: params.rules } },
    ]);
  });
  return listToleranceRules(db, params.merchantId);
}
