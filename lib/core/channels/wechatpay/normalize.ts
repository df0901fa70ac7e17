import { NotificationFormatError } from "@/lib/core/channels/errors";
import {
  compact,
  currencyCode,
  type JsonObject,
  optionalCount,
  optionalObject,
  optionalString,
  rawField,
  requiredCount,
  requiredObject,
  requiredString,
  rfc3339ToIso,
} from "@/lib/core/channels/generic/json-fields";
import type { NormalizedNotification, PaymentEvent } from "@/lib/core/channels/types";

const R = "resource";

function transactionSuccess(eventType: string, envelope: JsonObject, tx: JsonObject): NormalizedNotification {
  const transactionId = requiredString(tx, "transaction_id", R);
  const eventKey = `${eventType}:${transactionId}`;
  const tradeState = requiredString(tx, "trade_state", R);
  // WeChat only notifies SUCCESS, but the state is what the money depends on, not the event name.
  if (tradeState !== "SUCCESS") return { eventKey, payment: null, refund: null, ignoredReason: `trade_state "${tradeState}"` };
  const amount = requiredObject(tx, "amount", R);
  const total = requiredCount(amount, "total", `${R}.amount`);
  if (total === 0) throw new NotificationFormatError(`${R}.amount.total`, "a payment cannot be zero");
  const payer = optionalObject(tx, "payer", R);
  const payment: PaymentEvent = {
    kind: "payment",
    channel: "wechatpay",
    channelTransactionId: transactionId,
    reference: requiredString(tx, "out_trade_no", R),
    amount: total,
    currency: currencyCode(optionalString(amount, "currency", `${R}.amount`) ?? "CNY", `${R}.amount.currency`),
    receivedAt: rfc3339ToIso(requiredString(tx, "success_time", R), `${R}.success_time`),
    payerName: null,
    // WeChat never reveals the payer's name; the openid is stable per appid and is what support can look up.
    payerAccount: (payer && optionalString(payer, "openid", `${R}.payer`)) ?? null,
    memo: null,
    merchantAccountId: requiredString(tx, "mchid", R),
    sellerId: null,
    details: compact({
      event_id: rawField(envelope, "id"),
      appid: rawField(tx, "appid"),
      trade_type: rawField(tx, "trade_type"),
      trade_state: tradeState,
      trade_state_desc: rawField(tx, "trade_state_desc"),
      bank_type: rawField(tx, "bank_type"),
      attach: optionalString(tx, "attach", R),
      payer_total: optionalCount(amount, "payer_total", `${R}.amount`),
      payer_currency: rawField(amount, "payer_currency"),
      promotion_detail: rawField(tx, "promotion_detail"),
    }),
  };
  return { eventKey, payment, refund: null, ignoredReason: null };
}

function refundSuccess(eventType: string, envelope: JsonObject, r: JsonObject): NormalizedNotification {
  const refundId = requiredString(r, "refund_id", R);
  const eventKey = `${eventType}:${refundId}`;
  const status = requiredString(r, "refund_status", R);
  if (status !== "SUCCESS") return { eventKey, payment: null, refund: null, ignoredReason: `refund_status "${status}"` };
  const transactionId = requiredString(r, "transaction_id", R);
  const reference = requiredString(r, "out_trade_no", R);
  const amount = requiredObject(r, "amount", R);
  const total = requiredCount(amount, "total", `${R}.amount`);
  const refunded = requiredCount(amount, "refund", `${R}.amount`);
  if (refunded === 0) throw new NotificationFormatError(`${R}.amount.refund`, "a refund cannot be zero");
  if (refunded > total) throw new NotificationFormatError(`${R}.amount.refund`, "exceeds amount.total");
  const refundedAt = rfc3339ToIso(requiredString(r, "success_time", R), `${R}.success_time`);
  const currency = currencyCode(optionalString(amount, "currency", `${R}.amount`) ?? "CNY", `${R}.amount.currency`);
  return {
    eventKey,
    ignoredReason: null,
    // The refund notify restates the trade (transaction_id, out_trade_no, amount.total) so a refund that overtakes its
    // payment notify still finds or creates the payment. It does not say when the payer paid: the refund time is the
    // latest moment that can have been, and the payment notify (if it comes first) keeps its own time.
    payment: {
      kind: "payment",
      channel: "wechatpay",
      channelTransactionId: transactionId,
      reference,
      amount: total,
      currency,
      receivedAt: refundedAt,
      payerName: null,
      payerAccount: null,
      memo: null,
      merchantAccountId: requiredString(r, "mchid", R),
      sellerId: null,
      details: compact({ recorded_from: eventType, payer_total: optionalCount(amount, "payer_total", `${R}.amount`) }),
    },
    refund: {
      kind: "refund",
      channel: "wechatpay",
      channelTransactionId: transactionId,
      channelRefundId: refundId,
      reference,
      cumulativeRefundedAmount: null,
      amount: refunded,
      refundedAt,
      // Only certain when this one refund is the whole trade; earlier partial refunds are not restated here.
      closesPayment: refunded === total,
      details: compact({
        event_id: rawField(envelope, "id"),
        out_refund_no: rawField(r, "out_refund_no"),
        refund_status: status,
        user_received_account: rawField(r, "user_received_account"),
        payer_refund: optionalCount(amount, "payer_refund", `${R}.amount`),
        payer_total: optionalCount(amount, "payer_total", `${R}.amount`),
      }),
    },
  };
}

/**
 * Reduces a verified, decrypted v3 callback. TRANSACTION.SUCCESS → payment (amount.total fen; payer_total and
 * promotion_detail kept); REFUND.SUCCESS → refund (amount.refund, refund_id) with the trade it belongs to;
 * REFUND.ABNORMAL / REFUND.CLOSED and other event types are acknowledged and ignored. Event keys are WeChat's business
 * keys: event_type plus transaction_id (payments) or refund_id (refunds).
 */
export function normalizeWechatpayNotification(envelope: JsonObject, resource: JsonObject): NormalizedNotification {
  const eventType = requiredString(envelope, "event_type");
  switch (eventType) {
    case "TRANSACTION.SUCCESS":
      return transactionSuccess(eventType, envelope, resource);
    case "REFUND.SUCCESS":
      return refundSuccess(eventType, envelope, resource);
    case "REFUND.ABNORMAL":
      return {
        eventKey: `${eventType}:${requiredString(resource, "refund_id", R)}`,
        payment: null,
        refund: null,
        ignoredReason: "REFUND.ABNORMAL: not final (the refund could not reach the payer; the merchant must act)",
      };
    case "REFUND.CLOSED":
      return { eventKey: `${eventType}:${requiredString(resource, "refund_id", R)}`, payment: null, refund: null, ignoredReason: "REFUND.CLOSED: no money moved" };
    default:
      return { eventKey: `${eventType}:${requiredString(envelope, "id")}`, payment: null, refund: null, ignoredReason: `unhandled event_type "${eventType}"` };
  }
}
