export { detectAnomalies, DETECTORS, SELF_RESOLVING_KINDS } from "@/lib/core/anomalies/detect";
export { planRules, ruleMatches, shouldAlert, DEFAULT_RULES } from "@/lib/core/anomalies/rules";
export type { AnomalyRule, RuleActions, RuleConditions, RulePlan, WriteOffReason } from "@/lib/core/anomalies/rules";
export { BASE_SEVERITY, maxSeverity, severityFor } from "@/lib/core/anomalies/severity";
export { ANOMALY_KINDS, SEVERITIES } from "@/lib/core/anomalies/types";
export type { AllocationFacts, AnomalyKind, DetectionInput, Finding, OrderFacts, PaymentFacts, Severity } from "@/lib/core/anomalies/types";
