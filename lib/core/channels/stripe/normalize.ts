import { NotificationFormatError } from "@/lib/core/channels/errors";
import {
  compact,
  type JsonObject,
  optionalObject,
  optionalString,
  parseJsonObject,
  rawField,
  requiredCount,
  requiredObject,
  requiredString,
  unixSecondsToIso,
} from "@/lib/core/channels/generic/json-fields";
import type { NormalizedNotification, PaymentEvent, RefundEvent } from "@/lib/core/channels/types";
import { stripeAmountToMinorUnits } from "./amounts";

// Expandable fields arrive as an id string or, when expanded, as the object carrying that id.
function expandableId(obj: JsonObject, key: string, path: string): string | undefined {
  const value = rawField(obj, key);
  if (typeof value === "object" && value !== null) return optionalString(value as JsonObject, "id", `${path}.${key}`);
  return optionalString(obj, key, path);
}

function referenceFrom(object: JsonObject, path: string): string | null {
  const metadata = optionalObject(object, "metadata", path);
  return (metadata && optionalString(metadata, "reference", `${path}.metadata`)) ?? null;
}

function payment(fields: Omit<PaymentEvent, "kind" | "channel" | "merchantAccountId" | "sellerId" | "memo">): PaymentEvent {
  return { kind: "payment", channel: "stripe", merchantAccountId: null, sellerId: null, memo: null, ...fields };
}

const OBJ = "data.object";

function checkoutSession(event: JsonObject, session: JsonObject, created: string, eventKey: string): NormalizedNotification {
  const paymentStatus = requiredString(session, "payment_status", OBJ);
  // Delayed methods (bank debits) complete the session unpaid; async_payment_succeeded follows when money moved.
  if (paymentStatus !== "paid") return { eventKey, payment: null, refund: null, ignoredReason: `checkout session payment_status "${paymentStatus}"` };
  const sessionId = requiredString(session, "id", OBJ);
  const money = stripeAmountToMinorUnits(requiredCount(session, "amount_total", OBJ), requiredString(session, "currency", OBJ), `${OBJ}.amount_total`);
  if (money.amount === 0) return { eventKey, payment: null, refund: null, ignoredReason: "checkout session total is zero" };
  const customer = optionalObject(session, "customer_details", OBJ);
  const paymentIntent = expandableId(session, "payment_intent", OBJ);
  return {
    eventKey,
    refund: null,
    ignoredReason: null,
    payment: payment({
      // The PaymentIntent id is what payment_intent.succeeded and charge.refunded name too: one payment across events.
      channelTransactionId: paymentIntent ?? sessionId,
      reference: optionalString(session, "client_reference_id", OBJ) ?? referenceFrom(session, OBJ),
      ...money,
      receivedAt: created,
      payerName: (customer && optionalString(customer, "name", `${OBJ}.customer_details`)) ?? null,
      payerAccount: (customer && optionalString(customer, "email", `${OBJ}.customer_details`)) ?? null,
      details: compact({
        event_id: rawField(event, "id"),
        event_type: rawField(event, "type"),
        checkout_session: sessionId,
        payment_intent: paymentIntent,
        amount_subtotal: rawField(session, "amount_subtotal"),
        total_details: rawField(session, "total_details"),
        discounts: rawField(session, "discounts"),
        metadata: rawField(session, "metadata"),
        livemode: rawField(event, "livemode"),
      }),
    }),
  };
}

function paymentIntentSucceeded(event: JsonObject, intent: JsonObject, created: string, eventKey: string): NormalizedNotification {
  const id = requiredString(intent, "id", OBJ);
  const money = stripeAmountToMinorUnits(requiredCount(intent, "amount_received", OBJ), requiredString(intent, "currency", OBJ), `${OBJ}.amount_received`);
  if (money.amount === 0) throw new NotificationFormatError(`${OBJ}.amount_received`, "a succeeded payment cannot be zero");
  return {
    eventKey,
    refund: null,
    ignoredReason: null,
    payment: payment({
      channelTransactionId: id,
      reference: referenceFrom(intent, OBJ),
      ...money,
      receivedAt: created,
      payerName: null,
      payerAccount: optionalString(intent, "receipt_email", OBJ) ?? null,
      details: compact({
        event_id: rawField(event, "id"),
        event_type: rawField(event, "type"),
        payment_intent: id,
        amount: rawField(intent, "amount"),
        latest_charge: expandableId(intent, "latest_charge", OBJ),
        metadata: rawField(intent, "metadata"),
        livemode: rawField(event, "livemode"),
      }),
    }),
  };
}

function chargeRefunded(event: JsonObject, charge: JsonObject, created: string, eventKey: string): NormalizedNotification {
  const chargeId = requiredString(charge, "id", OBJ);
  const currency = requiredString(charge, "currency", OBJ);
  const total = stripeAmountToMinorUnits(requiredCount(charge, "amount", OBJ), currency, `${OBJ}.amount`);
  const refunded = stripeAmountToMinorUnits(requiredCount(charge, "amount_refunded", OBJ), currency, `${OBJ}.amount_refunded`);
  if (refunded.amount > total.amount) throw new NotificationFormatError(`${OBJ}.amount_refunded`, "exceeds amount");
  if (refunded.amount === 0) return { eventKey, payment: null, refund: null, ignoredReason: "charge.refunded with nothing refunded" };
  const paymentIntent = expandableId(charge, "payment_intent", OBJ);
  const originalId = paymentIntent ?? chargeId;
  const reference = referenceFrom(charge, OBJ);
  const billing = optionalObject(charge, "billing_details", OBJ);
  const refund: RefundEvent = {
    kind: "refund",
    channel: "stripe",
    channelTransactionId: originalId,
    // amount_refunded is cumulative: each new total is a distinct refund step, and a retry repeats the same total.
    channelRefundId: `${chargeId}:refunded:${refunded.amount}`,
    reference,
    cumulativeRefundedAmount: refunded.amount,
    amount: null,
    refundedAt: created,
    closesPayment: rawField(charge, "refunded") === true,
    details: compact({ event_id: rawField(event, "id"), charge: chargeId, amount_refunded: refunded.amount }),
  };
  return {
    eventKey,
    ignoredReason: null,
    refund,
    payment: payment({
      channelTransactionId: originalId,
      reference,
      ...total,
      receivedAt: unixSecondsToIso(rawField(charge, "created"), `${OBJ}.created`),
      payerName: (billing && optionalString(billing, "name", `${OBJ}.billing_details`)) ?? null,
      payerAccount: (billing && optionalString(billing, "email", `${OBJ}.billing_details`)) ?? null,
      details: compact({ event_id: rawField(event, "id"), event_type: rawField(event, "type"), charge: chargeId, payment_intent: paymentIntent }),
    }),
  };
}

/**
 * Reduces a verified Stripe event: checkout.session.completed / async_payment_succeeded (client_reference_id or
 * metadata.reference, amount_total), payment_intent.succeeded (metadata.reference, amount_received) and
 * charge.refunded (cumulative amount_refunded) produce events keyed on the PaymentIntent id; other types are ignored.
 * The event key is Stripe's event id, which Stripe keeps across retries.
 */
export function normalizeStripeEvent(rawBody: string): NormalizedNotification {
  const event = parseJsonObject(rawBody, "body");
  const id = requiredString(event, "id");
  const type = requiredString(event, "type");
  const eventKey = `event:${id}`;
  const created = unixSecondsToIso(rawField(event, "created"), "created");
  const object = requiredObject(requiredObject(event, "data"), "object", "data");
  switch (type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return checkoutSession(event, object, created, eventKey);
    case "payment_intent.succeeded":
      return paymentIntentSucceeded(event, object, created, eventKey);
    case "charge.refunded":
      return chargeRefunded(event, object, created, eventKey);
    default:
      return { eventKey, payment: null, refund: null, ignoredReason: `unhandled event type "${type}"` };
  }
}
