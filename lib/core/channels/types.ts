/** Every payment channel we know; `doudian` (抖店 order exports) is kept apart from `douyin` (小程序 担保支付). */
export const CHANNEL_NAMES = ["alipay", "wechatpay", "unionpay", "douyin", "stripe", "paypal", "bank", "other", "doudian"] as const;

/** Name of a payment channel. */
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** A payment as a channel reports it, in integer minor units and UTC. */
export interface PaymentEvent {
  kind: "payment";
  channel: ChannelName;
  /** The channel's own id (Alipay trade_no); the payment's dedupe key. */
  channelTransactionId: string;
  /** Our reference as sent (Alipay out_trade_no), raw, not normalised. */
  reference: string | null;
  /** Integer minor units (fen); for Alipay = total_amount. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** RFC 3339 UTC with milliseconds, when the payer paid. */
  receivedAt: string;
  payerName: string | null;
  payerAccount: string | null;
  memo: string | null;
  /** The merchant account the channel credited (Alipay app_id), to check against the configured account. */
  merchantAccountId: string | null;
  sellerId: string | null;
  /** Channel-specific extras; amounts in minor units, structured lists parsed. */
  details: Record<string, unknown>;
}

/** A refund as a channel reports it; ties back to the original payment by its channel id. */
export interface RefundEvent {
  kind: "refund";
  channel: ChannelName;
  /** The ORIGINAL payment's channel id. */
  channelTransactionId: string;
  /** The refund's own id (Alipay out_biz_no), or a synthetic one when the channel gives none. */
  channelRefundId: string;
  reference: string | null;
  /** Total refunded so far on the payment (Alipay refund_fee is cumulative), minor units. */
  cumulativeRefundedAmount: number | null;
  /** This refund's own amount, when the channel states it. */
  amount: number | null;
  /** RFC 3339 UTC with milliseconds. */
  refundedAt: string;
  /** True when the refund leaves the payment fully refunded/closed. */
  closesPayment: boolean;
  details: Record<string, unknown>;
}

/** Either event a channel adapter can produce. */
export type ChannelEvent = PaymentEvent | RefundEvent;

/** One verified channel notification, reduced to the events it reports. */
export interface NormalizedNotification {
  /** Idempotency key of this notification; stable across the channel's retries. */
  eventKey: string;
  /** The payment this notification reports or implies (refund notifications carry the trade's totals too). */
  payment: PaymentEvent | null;
  refund: RefundEvent | null;
  /** Why nothing actionable was produced, e.g. "WAIT_BUYER_PAY". */
  ignoredReason: string | null;
}
