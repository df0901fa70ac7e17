// Test-only: Stripe webhook events and signatures. The header comes from the official SDK
// (stripe.webhooks.generateTestHeaderString) so our verifier is checked against Stripe's own signer.
import crypto from "node:crypto";
import Stripe from "stripe";

const stripe = new Stripe("sk_test_placeholder_never_used_for_requests");

/** A fresh endpoint secret in Stripe's format. */
export const generateWebhookSecret = () => `whsec_${crypto.randomBytes(24).toString("base64").replace(/[+/=]/g, "")}`;

/** `Stripe-Signature` for a payload, made by stripe-node. */
export function stripeSignatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** A Stripe event JSON with the given type and data.object. */
export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${crypto.randomBytes(12).toString("hex")}`): string {
  return JSON.stringify({ id, object: "event", api_version: "2025-10-29.clover", created: 1_795_000_000, livemode: false, pending_webhooks: 1, type, data: { object } });
}

/** A paid checkout.session object. */
export function checkoutSession(options: { reference: string; amountTotal: number; currency?: string; paymentIntent?: string }) {
  return {
    id: `cs_test_${crypto.randomBytes(12).toString("hex")}`,
    object: "checkout.session",
    amount_subtotal: options.amountTotal,
    amount_total: options.amountTotal,
    client_reference_id: options.reference,
    currency: options.currency ?? "cny",
    customer_details: { email: "zhang.san@example.cn", name: "Zhang San" },
    metadata: {},
    mode: "payment",
    payment_intent: options.paymentIntent ?? `pi_${crypto.randomBytes(12).toString("hex")}`,
    payment_status: "paid",
    status: "complete",
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
  };
}
