import { formatValue } from "@/components/audit/changes";
import { describeRule } from "@/components/settings/rule-summary";
import { DEFAULT_RULES } from "@/lib/core/anomalies";
import { MESSAGES } from "@/lib/i18n/messages";
const samples = [...DEFAULT_RULES.flatMap((r) => [r.conditions, r.actions]) as Record<string, unknown>[],
  { kinds: ["amount_mismatch", "overpayment"], channels: ["alipay", "bank"], maxAmount: 10000 },
  { minAgeMinutes: 90, payerContains: "张", direction: "surplus", minDifference: 100 },
  { assignTo: "0b9f6f7e-1111-4222-8333-444455556666", markForRefund: true, raiseSeverity: "high", notify: false }];
for (const locale of ["zh-CN", "en"] as const) {
  const ctx = { messages: MESSAGES[locale], locale, timeZone: "Asia/Shanghai" };
  for (const s of samples) {
    const a = describeRule(s, MESSAGES[locale]);
    const b = formatValue("conditions", s, ctx as never);
    console.log(a === b ? "SAME " : "DIFF ", a, a === b ? "" : " || " + b);
  }
}
