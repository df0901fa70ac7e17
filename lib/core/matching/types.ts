/** A plain-language reason shown to the merchant, in both UI languages. */
export interface Explanation {
  zh: string;
  en: string;
}

/** How a payment found its order(s); stored on the payment and on each allocation. */
export type MatchMethod =
  | "reference"
  | "reference_in_memo"
  | "multi_reference"
  | "typo_reference"
  /** The memo carries the storefront's order (or platform) number; no check character, so everything else must agree. */
  | "order_no_in_memo"
  | "amount_payer"
  | "amount_payer_sum"
  /** Only ever suggested: less than the open amount of the payer's order (a deposit, an instalment). */
  | "amount_payer_partial"
  /** Only ever suggested: more than the open amount of the payer's order (shipping, another purchase). */
  | "amount_payer_over"
  /** The amount is the unique amount checkout gave one open order (amount less a tail of a few fen). */
  | "unique_amount"
  | "manual";

/** A cause a merchant's tolerance or anomaly rule may name for an accepted shortfall. */
export type RuleWriteOffCause = "coupon" | "platform_subsidy" | "channel_fee" | "bank_fee" | "rounding";

/** Why an accepted shortfall still settles an order: a rule's cause, or the tail of a unique amount checkout asked for. */
export type WriteOffCause = RuleWriteOffCause | "unique_amount";

export const WRITE_OFF_CAUSES: readonly RuleWriteOffCause[] = ["coupon", "platform_subsidy", "channel_fee", "bank_fee", "rounding"];

/** Every cause a write-off may carry, in the order reports list them. */
export const ALL_WRITE_OFF_CAUSES: readonly WriteOffCause[] = [...WRITE_OFF_CAUSES, "unique_amount"];

/** A payment as the engine sees it: no database ids beyond its own, no clock. */
export interface PaymentFacts {
  id: string;
  amount: number;
  /** ISO 4217; an order in another currency is never matched, its amounts not being comparable. */
  currency: string;
  channel: string;
  /** The reference field the channel echoed back (out_trade_no…), raw. */
  reference: string | null;
  memo: string | null;
  payerName: string | null;
  /** Stable keys of the payer (hashed account, normalised name) used to look up learned aliases. */
  payerKeys: string[];
  receivedAt: Date;
  /** Channel extras (payment.details): promotion_detail, voucher_detail_list, receipt_amount… */
  details: Record<string, unknown>;
  /** Reference sets a person rejected for this payment: never suggested or matched again. */
  rejected: string[][];
}

/** One of the merchant's orders as a matching candidate. */
export interface CandidateOrder {
  id: string;
  reference: string;
  orderNo: string;
  amount: number;
  currency: string;
  /** Amount still to be paid (amount − paid + refunded − written off), never below 0. */
  openAmount: number;
  status: string;
  customerName: string | null;
  createdAt: Date;
  /** When money first settled it (null or absent while it never has): tells a past purchase from a duplicate payment. */
  paidAt?: Date | null;
  /** The unique amount checkout asked the customer to transfer (amount less a tail), if it asked one. */
  payableAmount?: number | null;
}

/** An amount the engine allocates from the payment to one order. */
export interface AllocationDecision {
  orderId: string;
  reference: string;
  amount: number;
}

/** A shortfall accepted as paid, with its cause and where the cause came from. */
export interface WriteOffDecision {
  orderId: string;
  amount: number;
  cause: WriteOffCause;
  /** channel: the channel stated it; rule: a merchant's tolerance rule; checkout: the tail of the unique amount it asked. */
  source: "channel" | "rule" | "checkout";
  /** The tolerance rule's name when source = rule. */
  rule?: string;
}

/** The payment and its order(s) disagree on the amount beyond what was accepted: for the anomaly sweep. */
export interface AmountMismatch {
  kind: "short" | "over";
  /** What the order(s) still expected before this payment (fen). */
  expected: number;
  received: number;
  /** received − expected (negative when short). */
  difference: number;
  references: string[];
}

/** A ranked proposal a person may confirm; not a match until then. */
export interface SuggestionDecision {
  references: string[];
  allocations: { reference: string; amount: number }[];
  method: MatchMethod;
  confidence: number;
  explanation: Explanation;
}

/** What the engine decided for one payment. */
export type MatchResult =
  | {
      kind: "match";
      method: MatchMethod;
      confidence: number;
      allocations: AllocationDecision[];
      writeOffs: WriteOffDecision[];
      amountMismatch: AmountMismatch | null;
      explanation: Explanation;
    }
  | { kind: "suggest"; suggestions: SuggestionDecision[]; explanation: Explanation }
  | { kind: "none"; explanation: Explanation };
