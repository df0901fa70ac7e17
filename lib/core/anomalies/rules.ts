import { maxSeverity } from "@/lib/core/anomalies/severity";
import type { AnomalyKind, Finding, Severity } from "@/lib/core/anomalies/types";
import type { ChannelName } from "@/lib/core/channels/types";
import { payoutWord } from "@/lib/core/matching/memo-signals";
import type { RuleWriteOffCause } from "@/lib/core/matching/types";

/** When a rule applies; every condition given must hold (absent = any). */
export interface RuleConditions {
  kinds?: AnomalyKind[];
  channels?: ChannelName[];
  /** Bounds on the money concerned (fen), inclusive. */
  minAmount?: number;
  maxAmount?: number;
  /** Bounds on the age in minutes, inclusive. */
  minAgeMinutes?: number;
  maxAgeMinutes?: number;
  /** Only shortfalls (received less than due) or only surpluses. */
  direction?: "shortfall" | "surplus";
  /** Bounds on the size of the difference (fen, sign ignored), inclusive; a finding without one never matches. */
  minDifference?: number;
  maxDifference?: number;
  /** Case-insensitive substring of the payer's name. */
  payerContains?: string;
  /** Any of these words in the payer's memo (case-insensitive); a finding without a memo never matches. */
  memoContains?: string[];
  /** Only a channel's payout to the bank: a payment institution as the payer and 提现, 结算, 清算… in the memo. */
  payout?: true;
}

/** Why a write-off is acceptable: the matching engine's causes (抹零, 优惠券, 平台补贴, 手续费…). */
export type WriteOffReason = RuleWriteOffCause;

/** What a rule does to a newly opened anomaly. */
export interface RuleActions {
  /** Settle an order's shortfall as a write-off and resolve the anomaly (ends rule evaluation). */
  writeOff?: { reason: WriteOffReason };
  /** Assign to a user of the merchant (the first matching rule that assigns wins). */
  assignTo?: string;
  markForRefund?: boolean;
  /** Raise (never lower) the severity to at least this. */
  raiseSeverity?: Severity;
  /** Force (true) or silence (false) the outbound alert; the first matching rule that says wins. */
  notify?: boolean;
  /**
   * Money that found no order and is no customer's (bank interest, own-account transfers): set the
   * payment aside as ignored with this reason and resolve the anomaly (ends rule evaluation). Applies
   * to unmatched_overdue only.
   */
  ignorePayment?: { reason: string };
}

/** A merchant's rule as evaluation sees it. */
export interface AnomalyRule {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RuleConditions;
  actions: RuleActions;
}

/** What the rules decided for one finding. */
export interface RulePlan {
  severity: Severity;
  assignTo: string | null;
  markForRefund: boolean;
  /** Null: no rule said; the default applies (alert while the anomaly stays open). */
  notify: boolean | null;
  writeOff: { amount: number; reason: WriteOffReason; ruleId: string; ruleName: string } | null;
  ignore: { paymentId: string; reason: string; ruleId: string; ruleName: string } | null;
  applied: { ruleId: string; ruleName: string; actions: (keyof RuleActions)[] }[];
}

/**
 * The rules every merchant starts with (created on first use; the merchant may change or delete them).
 * Append only: a preset added here reaches existing merchants once, so it must start switched off.
 */
export const DEFAULT_RULES: Omit<AnomalyRule, "id">[] = [
  {
    name: "差额 ≤ ¥1.00 按抹零核销",
    position: 10,
    enabled: true,
    // A customer who pays 127.50 for 128.00 rounded down; chasing 50 fen costs more than it brings.
    conditions: { kinds: ["amount_mismatch"], direction: "shortfall", maxDifference: 100 },
    actions: { writeOff: { reason: "rounding" } },
  },
  {
    name: "验签失败 → 高优先级并通知",
    position: 20,
    enabled: true,
    conditions: { kinds: ["signature_failures"] },
    actions: { raiseSeverity: "high", notify: true },
  },
  {
    name: "附言含“结息/利息”的未匹配进账 → 忽略（银行利息）",
    position: 30,
    // Off until the merchant turns it on: setting money aside is theirs to decide.
    enabled: false,
    conditions: { kinds: ["unmatched_overdue"], memoContains: ["结息", "利息"] },
    actions: { ignorePayment: { reason: "银行利息" } },
  },
  {
    name: "渠道提现/结算到账 → 忽略（自有账户间转账）",
    position: 40,
    // Off too: a merchant who checks each payout against the channel's bill keeps them in view.
    enabled: false,
    conditions: { kinds: ["unmatched_overdue"], payout: true },
    actions: { ignorePayment: { reason: "自有账户间转账" } },
  },
];

const within = (value: number, min?: number, max?: number) => (min === undefined || value >= min) && (max === undefined || value <= max);

/** True when every condition the rule states holds for the finding. */
export function ruleMatches(c: RuleConditions, f: Finding): boolean {
  if (c.kinds && c.kinds.length > 0 && !c.kinds.includes(f.kind)) return false;
  if (c.channels && c.channels.length > 0 && (!f.channel || !c.channels.includes(f.channel))) return false;
  if (!within(f.amount, c.minAmount, c.maxAmount)) return false;
  if (!within(f.ageMinutes, c.minAgeMinutes, c.maxAgeMinutes)) return false;
  const needsDifference = c.direction !== undefined || c.minDifference !== undefined || c.maxDifference !== undefined;
  if (needsDifference) {
    if (f.difference === null || f.difference === 0) return false;
    if (c.direction === "shortfall" && f.difference > 0) return false;
    if (c.direction === "surplus" && f.difference < 0) return false;
    if (!within(Math.abs(f.difference), c.minDifference, c.maxDifference)) return false;
  }
  if (c.payerContains) {
    if (!f.payerName || !f.payerName.toLowerCase().includes(c.payerContains.toLowerCase())) return false;
  }
  if (c.memoContains && c.memoContains.length > 0) {
    const memo = f.memo?.toLowerCase();
    if (!memo || !c.memoContains.some((w) => memo.includes(w.toLowerCase()))) return false;
  }
  if (c.payout && !payoutWord(f.payerName, f.memo ?? null)) return false;
  return true;
}

/**
 * Evaluates the enabled rules in position order. Non-final actions accumulate; the first rule whose
 * write-off applies (an order left short) or whose ignore applies (money that found no order)
 * settles the anomaly and ends evaluation.
 */
export function planRules(rules: AnomalyRule[], f: Finding): RulePlan {
  const plan: RulePlan = { severity: f.severity, assignTo: null, markForRefund: false, notify: null, writeOff: null, ignore: null, applied: [] };
  const ordered = [...rules].filter((r) => r.enabled).sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  for (const rule of ordered) {
    if (!ruleMatches(rule.conditions, f)) continue;
    const a = rule.actions;
    const used: (keyof RuleActions)[] = [];
    if (a.raiseSeverity) {
      plan.severity = maxSeverity(plan.severity, a.raiseSeverity);
      used.push("raiseSeverity");
    }
    if (a.assignTo && plan.assignTo === null) {
      plan.assignTo = a.assignTo;
      used.push("assignTo");
    }
    if (a.markForRefund) {
      plan.markForRefund = true;
      used.push("markForRefund");
    }
    if (a.notify !== undefined && plan.notify === null) {
      plan.notify = a.notify;
      used.push("notify");
    }
    const settles = a.writeOff && f.writeOffAmount !== undefined && f.writeOffAmount > 0 && f.orderId !== null;
    if (settles) {
      plan.writeOff = { amount: f.writeOffAmount!, reason: a.writeOff!.reason, ruleId: rule.id, ruleName: rule.name };
      used.push("writeOff");
    }
    const ignores = !settles && a.ignorePayment && f.kind === "unmatched_overdue" && f.paymentId !== null;
    if (ignores) {
      plan.ignore = { paymentId: f.paymentId!, reason: a.ignorePayment!.reason, ruleId: rule.id, ruleName: rule.name };
      used.push("ignorePayment");
    }
    if (used.length > 0) plan.applied.push({ ruleId: rule.id, ruleName: rule.name, actions: used });
    if (settles || ignores) break;
  }
  return plan;
}

/** Whether an anomaly's alert goes out: a rule's word, else only while the anomaly stays open. */
export const shouldAlert = (plan: RulePlan) => plan.notify ?? (plan.writeOff === null && plan.ignore === null);
