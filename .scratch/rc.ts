import { formatValue } from "@/components/audit/changes";
import { MESSAGES } from "@/lib/i18n/messages";
for (const locale of ["zh-CN", "en"] as const) {
  const ctx = { messages: MESSAGES[locale], locale, timeZone: "Asia/Shanghai" };
  console.log(formatValue("conditions", { kinds: ["unmatched_overdue"], memoContains: ["结息", "利息"] }, ctx as never));
  console.log(formatValue("actions", { ignorePayment: { reason: "银行利息" } }, ctx as never));
}
