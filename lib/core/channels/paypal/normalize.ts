import { NotificationFormatError } from "@/lib/core/channels/errors";
import {
  compact,
  currencyCode,
  decimalToMinorUnits,
  type JsonObject,
  optionalObject,
  optionalString,
  parseJsonObject,
  rawField,
  requiredObject,
  requiredString,
  rfc3339ToIso,
} from "@/lib/core/channels/generic/json-fields";
import type { NormalizedNotification } from "@/lib/core/channels/types";

const R = "resource";

function money(parent: JsonObject, key: string, path: string): { amount: number; currency: string } {
  const amount = requiredObject(parent, key, path);
  const currency = currencyCode(requiredString(amount, "currency_code", `${path}.${key}`), `${path}.${key}.currency_code`);
  return { amount: decimalToMinorUnits(requiredString(amount, "value", `${path}.${key}`), currency, `${path}.${key}.value`), currency };
}

/**
 * The capture a refund belongs to. A v2 refund resource has no capture id field; it links to its parent capture with
 * the HATEOAS link `rel: "up"` → `…/v2/payments/captures/{capture_id}` (PayPal REST v2 Refund object, unverified
 * against a live webhook here), which is what we rely on.
 */
export function refundedCaptureId(refund: JsonObject): string {
  const links = rawField(refund, "links");
  if (Array.isArray(links)) {
    for (const link of links) {
      if (typeof link !== "object" || link === null) continue;
      const { rel, href } = link as Record<string, unknown>;
      const m = rel === "up" && typeof href === "string" ? /\/v2\/payments\/captures\/([^/?#]+)\/?(?:[?#].*)?$/.exec(href) : null;
      if (m) return decodeURIComponent(m[1]);
    }
  }
  throw new NotificationFormatError(`${R}.links`, 'no rel "up" link to /v2/payments/captures/{id}');
}

/**
 * Reduces a verified PayPal webhook event. PAYMENT.CAPTURE.COMPLETED → payment (capture id, custom_id as our
 * reference, amount.value converted exactly to minor units); PAYMENT.CAPTURE.REFUNDED → refund of the refund
 * resource's own amount against the capture in its `up` link (the payment total is not restated, so no payment);
 * other event types are ignored. PayPal keeps the event id across retries, so it is the event key.
 */
export function normalizePaypalEvent(rawBody: string): NormalizedNotification {
  const event = parseJsonObject(rawBody, "body");
  const id = requiredString(event, "id");
  const eventType = requiredString(event, "event_type");
  const eventKey = `event:${id}`;
  const ignore = (reason: string): NormalizedNotification => ({ eventKey, payment: null, refund: null, ignoredReason: reason });
  if (eventType !== "PAYMENT.CAPTURE.COMPLETED" && eventType !== "PAYMENT.CAPTURE.REFUNDED") return ignore(`unhandled event_type "${eventType}"`);
  const resource = requiredObject(event, "resource");
  const status = requiredString(resource, "status", R);
  if (status !== "COMPLETED") return ignore(`${eventType} with status "${status}"`);
  const resourceId = requiredString(resource, "id", R);
  const reference = optionalString(resource, "custom_id", R) ?? null;
  const time = rfc3339ToIso(optionalString(resource, "update_time", R) ?? requiredString(resource, "create_time", R), `${R}.create_time`);
  const value = money(resource, "amount", R);
  if (value.amount === 0) throw new NotificationFormatError(`${R}.amount.value`, "cannot be zero");
  const supplementary = optionalObject(resource, "supplementary_data", R);

  if (eventType === "PAYMENT.CAPTURE.COMPLETED") {
    return {
      eventKey,
      refund: null,
      ignoredReason: null,
      payment: {
        kind: "payment",
        channel: "paypal",
        channelTransactionId: resourceId,
        reference,
        ...value,
        receivedAt: time,
        payerName: null,
        payerAccount: null,
        memo: null,
        merchantAccountId: null,
        sellerId: null,
        details: compact({
          event_id: id,
          invoice_id: rawField(resource, "invoice_id"),
          seller_receivable_breakdown: rawField(resource, "seller_receivable_breakdown"),
          final_capture: rawField(resource, "final_capture"),
          order_id: supplementary && rawField(optionalObject(supplementary, "related_ids", `${R}.supplementary_data`) ?? {}, "order_id"),
        }),
      },
    };
  }
  return {
    eventKey,
    payment: null,
    ignoredReason: null,
    refund: {
      kind: "refund",
      channel: "paypal",
      channelTransactionId: refundedCaptureId(resource),
      channelRefundId: resourceId,
      reference,
      cumulativeRefundedAmount: null,
      amount: value.amount,
      refundedAt: time,
      closesPayment: false,
      details: compact({
        event_id: id,
        invoice_id: rawField(resource, "invoice_id"),
        seller_payable_breakdown: rawField(resource, "seller_payable_breakdown"),
        note_to_payer: rawField(resource, "note_to_payer"),
      }),
    },
  };
}
