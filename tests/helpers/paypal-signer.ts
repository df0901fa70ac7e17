// Test-only: signs PayPal webhooks the way PayPal does (channels.md §6) with node:crypto and zlib's CRC-32,
// independently of lib/core. The signing certificate comes from the openssl-based helper.
import crypto from "node:crypto";
import zlib from "node:zlib";
import { makeCertificate, type TestCertificate } from "./unionpay-signer";

/** A PayPal-like signing certificate (self-signed, like a test double of messageverificationcerts.paypal.com). */
export const makePaypalCertificate = (days = 365): TestCertificate =>
  makeCertificate({ subject: "/C=US/ST=California/L=San Jose/O=PayPal, Inc./CN=messageverificationcerts.paypal.com", days });

/** Headers PayPal sends for a body. */
export function signPaypal(rawBody: string, webhookId: string, keyPem: string, transmissionId: string = crypto.randomUUID()) {
  const transmissionTime = new Date().toISOString();
  const message = `${transmissionId}|${transmissionTime}|${webhookId}|${zlib.crc32(Buffer.from(rawBody, "utf8"))}`;
  return {
    "paypal-transmission-id": transmissionId,
    "paypal-transmission-time": transmissionTime,
    "paypal-transmission-sig": crypto.sign("sha256", Buffer.from(message, "utf8"), keyPem).toString("base64"),
    "paypal-auth-algo": "SHA256withRSA",
    "paypal-cert-url": "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270",
    "content-type": "application/json",
  };
}

/** A PAYMENT.CAPTURE.COMPLETED event. */
export function paypalCaptureCompleted(options: { reference: string; value: string; currency?: string; captureId?: string; eventId?: string }) {
  const captureId = options.captureId ?? crypto.randomBytes(8).toString("hex").toUpperCase();
  return JSON.stringify({
    id: options.eventId ?? `WH-${crypto.randomUUID()}`,
    event_version: "1.0",
    create_time: "2026-11-25T02:00:06.000Z",
    resource_type: "capture",
    resource_version: "2.0",
    event_type: "PAYMENT.CAPTURE.COMPLETED",
    summary: `Payment completed for ${options.currency ?? "USD"} ${options.value}`,
    resource: {
      id: captureId,
      status: "COMPLETED",
      amount: { currency_code: options.currency ?? "USD", value: options.value },
      final_capture: true,
      custom_id: options.reference,
      invoice_id: `INV-${options.reference}`,
      seller_receivable_breakdown: { gross_amount: { currency_code: "USD", value: options.value }, paypal_fee: { currency_code: "USD", value: "0.59" } },
      supplementary_data: { related_ids: { order_id: "5O190127TN364715T" } },
      create_time: "2026-11-25T02:00:05Z",
      update_time: "2026-11-25T02:00:05Z",
      links: [{ href: `https://api.paypal.com/v2/payments/captures/${captureId}`, rel: "self", method: "GET" }],
    },
  });
}

/** A PAYMENT.CAPTURE.REFUNDED event whose refund links `up` to the capture. */
export function paypalCaptureRefunded(options: { captureId: string; value: string; refundId?: string; currency?: string; reference?: string }) {
  const refundId = options.refundId ?? crypto.randomBytes(8).toString("hex").toUpperCase();
  return JSON.stringify({
    id: `WH-${crypto.randomUUID()}`,
    event_version: "1.0",
    create_time: "2026-11-26T02:00:06.000Z",
    resource_type: "refund",
    resource_version: "2.0",
    event_type: "PAYMENT.CAPTURE.REFUNDED",
    resource: {
      id: refundId,
      status: "COMPLETED",
      amount: { currency_code: options.currency ?? "USD", value: options.value },
      custom_id: options.reference,
      seller_payable_breakdown: { total_refunded_amount: { currency_code: "USD", value: options.value } },
      create_time: "2026-11-26T02:00:05Z",
      update_time: "2026-11-26T02:00:05Z",
      links: [
        { href: `https://api.paypal.com/v2/payments/refunds/${refundId}`, rel: "self", method: "GET" },
        { href: `https://api.paypal.com/v2/payments/captures/${options.captureId}`, rel: "up", method: "GET" },
      ],
    },
  });
}
