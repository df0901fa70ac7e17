import type { ChannelName } from "@/lib/core/channels/types";
import type { Explanation } from "@/lib/core/matching/types";
import type { OrderStatus } from "@/lib/core/matching/order-status";

/** Every anomaly kind the sweep detects (the contract may add more). */
export const ANOMALY_KINDS = [
  "unmatched_overdue",
  "amount_mismatch",
  "duplicate_voucher",
  "overpayment",
  "late_payment",
  "refund_exceeds_payment",
  "signature_failures",
  "bill_mismatch",
  "credentials_expiring",
] as const;

/** Name of an anomaly kind. */
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** Severity levels, lowest first. */
export const SEVERITIES = ["low", "medium", "high"] as const;

/** How urgent an anomaly is. */
export type Severity = (typeof SEVERITIES)[number];

/** One thing the detectors found wrong; the sweep turns it into an anomaly row. */
export interface Finding {
  kind: AnomalyKind;
  /** What it is about, e.g. "payment:<id>"; at most one unresolved anomaly per (kind, subjectKey). */
  subjectKey: string;
  /**
   * Identifies this particular state of the cause: a person's resolution suppresses re-detection only
   * while the fingerprint stays the same (a different difference amount is a new problem).
   */
  fingerprint: string;
  severity: Severity;
  paymentId: string | null;
  orderId: string | null;
  channel: ChannelName | null;
  /** The money concerned (the payment or order amount), fen. */
  amount: number;
  /** Signed difference where one applies (received − due), fen; negative is a shortfall. */
  difference: number | null;
  payerName: string | null;
  /** The payer's memo, where the finding is about a payment (rules match words in it). */
  memo?: string | null;
  /** Shortfall (fen) a write-off would settle, when the finding is an order left short; else absent. */
  writeOffAmount?: number;
  /** Minutes since the money arrived (or the cause began). */
  ageMinutes: number;
  message: Explanation;
  details: Record<string, unknown>;
}

/** A payment as the detectors see it. */
export interface PaymentFacts {
  id: string;
  channelAccountId: string;
  channel: ChannelName;
  origin: "notify" | "statement" | "bill" | "manual";
  channelTransactionId: string;
  /** Minor units of `currency`, as every amount on the payment. */
  amount: number;
  /** ISO 4217 code of the payment's money: its messages word amounts in it. */
  currency: string;
  receivedAt: Date;
  /** When we recorded it (a later copy of a voucher is the suspicious one). */
  recordedAt: Date;
  status: "matched" | "partially_matched" | "suggested" | "unmatched" | "ignored";
  allocatedAmount: number;
  refundedAmount: number;
  payerName: string | null;
  memo: string | null;
  confirmedByBillAt: Date | null;
  /** The statement or bill file the payment came from (null for notifies and manual entries). */
  statementId: string | null;
  details: Record<string, unknown>;
}

/** An order as the detectors see it. */
export interface OrderFacts {
  id: string;
  reference: string;
  /** Minor units of `currency`, as every amount on the order. */
  amount: number;
  /** ISO 4217 code the order is priced in: its messages word amounts in it. */
  currency: string;
  status: OrderStatus;
  paidAmount: number;
  refundedAmount: number;
  writtenOffAmount: number;
  expiresAt: Date | null;
  closedAt: Date | null;
}

/** Money of one payment placed on one order. */
export interface AllocationFacts {
  paymentId: string;
  orderId: string;
  amount: number;
}

/** A refund the channel reported but we refused (audit action `refund.refused`). */
export interface RefusedRefundFacts {
  auditEventId: number;
  paymentId: string;
  amount: number;
  reason: string;
  at: Date;
}

/** A notification whose signature or account check failed. */
export interface RejectedNotificationFacts {
  channelAccountId: string;
  channel: ChannelName | null;
  receivedAt: Date;
}

/** A channel account whose credentials hold certificates, with when the first of them expires. */
export interface CredentialExpiryFacts {
  channelAccountId: string;
  channel: ChannelName;
  name: string;
  certificatesExpireAt: Date;
}

/** Per-merchant settings the detectors honour. */
export interface DetectionSettings {
  /** A payment unmatched (or only suggested) longer than this is overdue. */
  unmatchedThresholdMinutes: number;
  /** A difference up to this many fen is routine even when nobody wrote it off. */
  differenceLimit: number;
  /** IANA zone of the merchant's calendar days (statement dates are local). */
  timeZone: string;
}

/**
 * Everything the detectors read. The loader may pass more rows than relevant (a superset);
 * each detector applies its own conditions, so the findings depend only on these facts and `now`.
 */
export interface DetectionInput {
  now: Date;
  settings: DetectionSettings;
  payments: PaymentFacts[];
  orders: OrderFacts[];
  allocations: AllocationFacts[];
  /** Refund totals per payment id. */
  refundTotals: Map<string, number>;
  refusedRefunds: RefusedRefundFacts[];
  rejectedNotifications: RejectedNotificationFacts[];
  /** Enabled channel accounts that verify with certificates. */
  credentialExpiries: CredentialExpiryFacts[];
  /** When each channel account last had a statement or bill imported. */
  lastStatementAt: Map<string, Date>;
  /** Write-offs a person or rule accepted through an anomaly resolution, per order id (fen). */
  acceptedWriteOffs: Map<string, number>;
}
