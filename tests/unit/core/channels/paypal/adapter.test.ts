import zlib from "node:zlib";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { crc32, paypalAdapter, type PaypalCredentials } from "@/lib/core/channels/paypal";
import { makePaypalCertificate, paypalCaptureCompleted, paypalCaptureRefunded, signPaypal } from "@/tests/helpers/paypal-signer";
import type { TestCertificate } from "@/tests/helpers/unionpay-signer";

const WEBHOOK_ID = "4JH86294D6297924G";
let cert: TestCertificate;
let credentials: PaypalCredentials;

beforeAll(() => {
  cert = makePaypalCertificate();
  credentials = { webhookId: WEBHOOK_ID, certificate: cert.certPem };
});

const receive = (rawBody: string, headers: Record<string, string>, now = new Date()) => paypalAdapter.receive({ rawBody, headers, credentials, now });

describe("CRC-32", () => {
  it("matches zlib.crc32 on any input, as an unsigned integer", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => crc32(bytes) === zlib.crc32(bytes)));
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => crc32(s) === zlib.crc32(Buffer.from(s, "utf8"))));
  });
});

describe("PayPal adapter (offline verification)", () => {
  it("verifies and normalises PAYMENT.CAPTURE.COMPLETED with an exact decimal amount", async () => {
    const body = paypalCaptureCompleted({ reference: "LD7K2M9QX4", value: "19.99", captureId: "7TK53561YB803214S", eventId: "WH-1" });
    const result = await receive(body, signPaypal(body, WEBHOOK_ID, cert.keyPem));
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification).toMatchObject({ eventKey: "event:WH-1", refund: null });
    expect(result.notification.payment).toMatchObject({
      channel: "paypal",
      channelTransactionId: "7TK53561YB803214S",
      reference: "LD7K2M9QX4",
      amount: 1999,
      currency: "USD",
      receivedAt: "2026-11-25T02:00:05.000Z",
    });
    expect(result.notification.payment?.details).toMatchObject({ order_id: "5O190127TN364715T", invoice_id: "INV-LD7K2M9QX4" });
  });

  it("handles zero-decimal currencies and refuses amounts finer than the currency allows", async () => {
    const jpy = paypalCaptureCompleted({ reference: "R", value: "1500", currency: "JPY" });
    const ok = await receive(jpy, signPaypal(jpy, WEBHOOK_ID, cert.keyPem));
    expect(ok).toMatchObject({ kind: "accepted", notification: { payment: { amount: 1500, currency: "JPY" } } });
    const bad = paypalCaptureCompleted({ reference: "R", value: "15.5", currency: "JPY" });
    expect(await receive(bad, signPaypal(bad, WEBHOOK_ID, cert.keyPem))).toMatchObject({ kind: "rejected", status: 400 });
  });

  it("maps PAYMENT.CAPTURE.REFUNDED to a refund of the capture named by its up link", async () => {
    const body = paypalCaptureRefunded({ captureId: "7TK53561YB803214S", value: "5.00", refundId: "1JU08902781691411" });
    const result = await receive(body, signPaypal(body, WEBHOOK_ID, cert.keyPem));
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification.payment).toBeNull();
    expect(result.notification.refund).toMatchObject({ channelTransactionId: "7TK53561YB803214S", channelRefundId: "1JU08902781691411", amount: 500 });
  });

  it("rejects tampering, another key, another webhook id, missing headers and other algorithms", async () => {
    const body = paypalCaptureCompleted({ reference: "LD7K2M9QX4", value: "19.99" });
    const headers = signPaypal(body, WEBHOOK_ID, cert.keyPem);
    expect(await receive(body.replace("19.99", "1.99"), headers)).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, signPaypal(body, WEBHOOK_ID, makePaypalCertificate().keyPem))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, signPaypal(body, "OTHERWEBHOOKID", cert.keyPem))).toMatchObject({ kind: "rejected", status: 401 });
    const unsigned: Record<string, string> = { ...headers };
    delete unsigned["paypal-transmission-sig"];
    expect(await receive(body, unsigned)).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, { ...headers, "paypal-auth-algo": "SHA1withRSA" })).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("rejects when the configured certificate is outside its validity", async () => {
    const body = paypalCaptureCompleted({ reference: "LD7K2M9QX4", value: "19.99" });
    const headers = signPaypal(body, WEBHOOK_ID, cert.keyPem);
    expect(await receive(body, headers, new Date(Date.now() + 400 * 86_400_000))).toMatchObject({ kind: "rejected", reason: expect.stringContaining("not valid") });
  });
});
