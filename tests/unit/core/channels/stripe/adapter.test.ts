import crypto from "node:crypto";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { stripeAdapter, stripeAmountToMinorUnits } from "@/lib/core/channels/stripe";
import { checkoutSession, generateWebhookSecret, stripeEvent, stripeSignatureHeader } from "@/tests/helpers/stripe-signer";

const secret = generateWebhookSecret();
const receive = (rawBody: string, header: string | undefined, now = new Date()) =>
  stripeAdapter.receive({ rawBody, headers: header === undefined ? {} : { "stripe-signature": header }, credentials: { webhookSecret: secret }, now });

describe("Stripe adapter", () => {
  it("accepts a header made by stripe-node and normalises checkout.session.completed", async () => {
    const session = checkoutSession({ reference: "LD7K2M9QX4", amountTotal: 12800, paymentIntent: "pi_3Nabc" });
    const body = stripeEvent("checkout.session.completed", session, "evt_1");
    const result = await receive(body, stripeSignatureHeader(body, secret));
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification).toMatchObject({ eventKey: "event:evt_1", refund: null, ignoredReason: null });
    expect(result.notification.payment).toMatchObject({
      channel: "stripe",
      channelTransactionId: "pi_3Nabc",
      reference: "LD7K2M9QX4",
      amount: 12800,
      currency: "CNY",
      receivedAt: new Date(1_795_000_000_000).toISOString(),
      payerName: "Zhang San",
      payerAccount: "zhang.san@example.cn",
    });
  });

  it("our signature is the one stripe-node's constructEvent accepts (the reverse direction)", async () => {
    const body = stripeEvent("payment_intent.succeeded", { id: "pi_1", amount: 500, amount_received: 500, currency: "usd", metadata: { reference: "LD7K2M9QX4" } });
    const t = Math.floor(Date.now() / 1000);
    const header = `t=${t},v1=${crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
    const sdk = new Stripe("sk_test_placeholder_never_used_for_requests");
    expect(sdk.webhooks.constructEvent(body, header, secret).id).toBe(JSON.parse(body).id);
    expect((await receive(body, header)).kind).toBe("accepted");
  });

  it("rejects tampering, another secret, a missing header and a header without v1", async () => {
    const body = stripeEvent("checkout.session.completed", checkoutSession({ reference: "LD7K2M9QX4", amountTotal: 12800 }));
    const header = stripeSignatureHeader(body, secret);
    expect(await receive(body.replace("12800", "1280"), header)).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, stripeSignatureHeader(body, generateWebhookSecret()))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, undefined)).toMatchObject({ kind: "rejected", status: 401, reason: "signature header missing" });
    expect(await receive(body, header.replace(/v1=/, "v0="))).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("accepts when any v1 matches (secret rotation)", async () => {
    const body = stripeEvent("checkout.session.completed", checkoutSession({ reference: "LD7K2M9QX4", amountTotal: 100 }));
    const t = Math.floor(Date.now() / 1000);
    const good = stripeSignatureHeader(body, secret, t).split(",")[1];
    expect((await receive(body, `t=${t},v1=${"0".repeat(64)},${good}`)).kind).toBe("accepted");
  });

  it("applies the 300 s tolerance", async () => {
    const body = stripeEvent("checkout.session.completed", checkoutSession({ reference: "LD7K2M9QX4", amountTotal: 100 }));
    const t = 1_795_000_000;
    const header = stripeSignatureHeader(body, secret, t);
    expect((await receive(body, header, new Date((t + 300) * 1000))).kind).toBe("accepted");
    expect(await receive(body, header, new Date((t + 301) * 1000))).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("normalises payment_intent.succeeded and charge.refunded onto the same PaymentIntent id", async () => {
    const pi = stripeEvent("payment_intent.succeeded", { id: "pi_9", amount: 9000, amount_received: 8800, currency: "cny", metadata: { reference: "LD7K2M9QX4" } });
    const paid = await receive(pi, stripeSignatureHeader(pi, secret));
    if (paid.kind !== "accepted") throw new Error(JSON.stringify(paid));
    expect(paid.notification.payment).toMatchObject({ channelTransactionId: "pi_9", amount: 8800, reference: "LD7K2M9QX4" });

    const charge = { id: "ch_9", amount: 8800, amount_refunded: 3000, refunded: false, currency: "cny", payment_intent: "pi_9", metadata: { reference: "LD7K2M9QX4" }, created: 1_794_990_000 };
    const refunded = stripeEvent("charge.refunded", charge, "evt_r1");
    const result = await receive(refunded, stripeSignatureHeader(refunded, secret));
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification.payment).toMatchObject({ channelTransactionId: "pi_9", amount: 8800 });
    expect(result.notification.refund).toMatchObject({ channelTransactionId: "pi_9", cumulativeRefundedAmount: 3000, amount: null, closesPayment: false, channelRefundId: "ch_9:refunded:3000" });
  });

  it("ignores other event types and unpaid sessions", async () => {
    const other = stripeEvent("customer.created", { id: "cus_1" });
    const ignored = await receive(other, stripeSignatureHeader(other, secret));
    expect(ignored).toMatchObject({ kind: "accepted", notification: { payment: null, ignoredReason: expect.stringContaining("customer.created") } });
    const unpaid = stripeEvent("checkout.session.completed", { ...checkoutSession({ reference: "X", amountTotal: 100 }), payment_status: "unpaid" });
    expect(await receive(unpaid, stripeSignatureHeader(unpaid, secret))).toMatchObject({ kind: "accepted", notification: { payment: null } });
  });

  it("converts amounts as Stripe defines minor units", () => {
    expect(stripeAmountToMinorUnits(8800, "jpy", "amount")).toEqual({ amount: 8800, currency: "JPY" });
    expect(stripeAmountToMinorUnits(12800, "cny", "amount")).toEqual({ amount: 12800, currency: "CNY" });
    expect(stripeAmountToMinorUnits(5120, "kwd", "amount")).toEqual({ amount: 5120, currency: "KWD" });
    // ISK is two-decimal at Stripe but zero-decimal in ISO 4217.
    expect(stripeAmountToMinorUnits(50000, "isk", "amount")).toEqual({ amount: 500, currency: "ISK" });
    expect(() => stripeAmountToMinorUnits(50050, "isk", "amount")).toThrow(/ISK/);
    expect(() => stripeAmountToMinorUnits(1, "zzz", "amount")).toThrow(/currency/);
  });
});
