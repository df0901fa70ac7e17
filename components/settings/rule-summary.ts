import { formatYuan } from "@/lib/core/money";
import { labelOf, type Messages } from "@/lib/i18n/messages";

/** Condition and action summaries in the merchant's words; amounts in yuan, lists and clauses punctuated as the language does. */
export function describeRule(obj: Record<string, unknown>, t: Messages): string {
  const { listSeparator, clauseSeparator } = t.settings.rules;
  return Object.entries(obj)
    .filter(([, v]) => v !== false)
    .map(([k, v]) => {
      const label = labelOf(t.settings.rules.fields, k);
      if (v === true) return label;
      if (k === "direction") return labelOf(t.settings.rules.directions, String(v));
      if (typeof v === "number" && /Amount|Difference/.test(k)) return `${label} ${formatYuan(v)}`;
      if (Array.isArray(v)) return `${label} ${v.map((x) => labelOf(t.anomalies.kinds, labelOf(t.channels, String(x)))).join(listSeparator)}`;
      if (v && typeof v === "object") return `${label} ${Object.values(v).map((x) => labelOf(t.writeOffCauses, String(x))).join(listSeparator)}`;
      return `${label} ${labelOf(t.anomalies.severities, String(v))}`;
    })
    .join(clauseSeparator);
}
