import { NotificationFormatError } from "@/lib/core/channels/errors";
import {
  compact,
  type JsonObject,
  optionalString,
  rawField,
  requiredCount,
  requiredString,
  unixSecondsToIso,
} from "@/lib/core/channels/generic/json-fields";
import type { NormalizedNotification } from "@/lib/core/channels/types";

/**
 * Reduces a verified, parsed 担保支付 `msg` (callback `type` "payment" or "refund") to events. Payments key on
 * order_id (falling back to payment_order_no) so refunds, which name order_id, find them. Refund callbacks carry no
 * payment total, so they produce a refund only; a FAIL refund is acknowledged and ignored.
 */
export function normalizeDouyinMessage(type: string, msg: JsonObject): NormalizedNotification {
  if (type === "payment") {
    const paymentOrderNo = optionalString(msg, "payment_order_no", "msg");
    const orderId = optionalString(msg, "order_id", "msg") ?? paymentOrderNo;
    if (orderId === undefined) throw new NotificationFormatError("msg.order_id", "neither order_id nor payment_order_no is present");
    const eventKey = `payment:${orderId}`;
    const status = requiredString(msg, "status", "msg");
    if (status !== "SUCCESS") return { eventKey: `${eventKey}:${status}`, payment: null, refund: null, ignoredReason: `payment status "${status}"` };
    const amount = requiredCount(msg, "total_amount", "msg");
    if (amount === 0) throw new NotificationFormatError("msg.total_amount", "a payment cannot be zero");
    return {
      eventKey,
      refund: null,
      ignoredReason: null,
      payment: {
        kind: "payment",
        channel: "douyin",
        channelTransactionId: orderId,
        reference: optionalString(msg, "cp_orderno", "msg") ?? null,
        amount,
        currency: "CNY",
        receivedAt: unixSecondsToIso(rawField(msg, "paid_at"), "msg.paid_at"),
        payerName: null,
        payerAccount: null,
        memo: null,
        merchantAccountId: requiredString(msg, "appid", "msg"),
        sellerId: optionalString(msg, "seller_uid", "msg") ?? null,
        details: compact({
          cp_extra: rawField(msg, "cp_extra"),
          way: rawField(msg, "way"),
          channel_no: rawField(msg, "channel_no"),
          channel_gateway_no: rawField(msg, "channel_gateway_no"),
          payment_order_no: paymentOrderNo,
          out_channel_order_no: rawField(msg, "out_channel_order_no"),
          ec_pay_trade_no: rawField(msg, "ec_pay_trade_no"),
          item_id: rawField(msg, "item_id"),
          extra: rawField(msg, "extra"),
          message: rawField(msg, "message"),
        }),
      },
    };
  }
  if (type === "refund") {
    const refundNo = requiredString(msg, "refund_no", "msg");
    const status = requiredString(msg, "status", "msg");
    const eventKey = `refund:${refundNo}:${status}`;
    if (status !== "SUCCESS") return { eventKey, payment: null, refund: null, ignoredReason: `refund status "${status}": no money moved` };
    const amount = requiredCount(msg, "refund_amount", "msg");
    if (amount === 0) throw new NotificationFormatError("msg.refund_amount", "a refund cannot be zero");
    return {
      eventKey,
      payment: null,
      ignoredReason: null,
      refund: {
        kind: "refund",
        channel: "douyin",
        channelTransactionId: requiredString(msg, "order_id", "msg"),
        channelRefundId: refundNo,
        reference: null,
        cumulativeRefundedAmount: null,
        amount,
        refundedAt: unixSecondsToIso(rawField(msg, "refunded_at"), "msg.refunded_at"),
        // The callback carries no payment total, so whether this refund empties the payment is unknown here.
        closesPayment: false,
        details: compact({
          cp_refundno: rawField(msg, "cp_refundno"),
          cp_extra: rawField(msg, "cp_extra"),
          is_all_settled: rawField(msg, "is_all_settled"),
          message: rawField(msg, "message"),
        }),
      },
    };
  }
  return { eventKey: `${type}:unhandled`, payment: null, refund: null, ignoredReason: `unhandled callback type "${type}"` };
}
