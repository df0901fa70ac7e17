import { NotificationFormatError } from "@/lib/core/channels/errors";
import type { NormalizedNotification, PaymentEvent, RefundEvent } from "@/lib/core/channels/types";
import {
  compact,
  currencyCode,
  optionalCount,
  optionalString,
  parseJsonObject,
  requiredCount,
  requiredObject,
  requiredString,
  rfc3339ToIso,
} from "./json-fields";

/**
 * Reduces a verified generic (`other` channel) event to payment/refund events; the format is in ./README.md.
 * `payment.succeeded` → payment; `refund.succeeded` → the payment it refunds plus the refund; other types are ignored.
 */
export function normalizeGenericNotification(rawBody: string): NormalizedNotification {
  const event = parseJsonObject(rawBody, "body");
  const id = requiredString(event, "id");
  const type = requiredString(event, "type");
  const eventKey = `event:${id}`;
  if (type !== "payment.succeeded" && type !== "refund.succeeded") {
    return { eventKey, payment: null, refund: null, ignoredReason: `unhandled event type "${type}"` };
  }
  const data = requiredObject(event, "data");
  const transactionId = requiredString(data, "transactionId", "data");
  const amount = requiredCount(data, "amount", "data");
  if (amount === 0) throw new NotificationFormatError("data.amount", "a payment cannot be zero");
  const payment: PaymentEvent = {
    kind: "payment",
    channel: "other",
    channelTransactionId: transactionId,
    reference: optionalString(data, "reference", "data") ?? null,
    amount,
    currency: currencyCode(requiredString(data, "currency", "data"), "data.currency"),
    receivedAt: rfc3339ToIso(requiredString(data, "paidAt", "data"), "data.paidAt"),
    payerName: optionalString(data, "payerName", "data") ?? null,
    payerAccount: null,
    memo: null,
    merchantAccountId: null,
    sellerId: null,
    details: compact({ eventId: id, type }),
  };
  if (type === "payment.succeeded") return { eventKey, payment, refund: null, ignoredReason: null };

  const refundAmount = requiredCount(data, "refundAmount", "data");
  if (refundAmount === 0) throw new NotificationFormatError("data.refundAmount", "a refund cannot be zero");
  if (refundAmount > amount) throw new NotificationFormatError("data.refundAmount", "exceeds data.amount");
  const refund: RefundEvent = {
    kind: "refund",
    channel: "other",
    channelTransactionId: transactionId,
    channelRefundId: requiredString(data, "refundId", "data"),
    reference: payment.reference,
    cumulativeRefundedAmount: optionalCount(data, "refundedTotal", "data") ?? null,
    amount: refundAmount,
    refundedAt: rfc3339ToIso(requiredString(data, "refundedAt", "data"), "data.refundedAt"),
    closesPayment: refundAmount === amount,
    details: compact({ eventId: id, type }),
  };
  return { eventKey, payment, refund, ignoredReason: null };
}
