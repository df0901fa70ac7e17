// Test-only: signs generic (`other` channel) webhooks as lib/core/channels/generic/README.md specifies, with node:crypto.
import crypto from "node:crypto";

/** `X-Ldxp-Signature` for a body. */
export function genericSignatureHeader(rawBody: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${crypto.createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
}

/** A payment.succeeded (or, with `refund`, refund.succeeded) event body. */
export function genericEvent(options: {
  transactionId: string;
  reference?: string;
  amount: number;
  currency?: string;
  id?: string;
  refund?: { refundId: string; refundAmount: number };
}): string {
  return JSON.stringify({
    id: options.id ?? `evt_${crypto.randomUUID()}`,
    type: options.refund ? "refund.succeeded" : "payment.succeeded",
    data: {
      transactionId: options.transactionId,
      reference: options.reference,
      amount: options.amount,
      currency: options.currency ?? "CNY",
      paidAt: "2026-11-25T10:00:05+08:00",
      payerName: "张三",
      ...(options.refund ? { ...options.refund, refundedAt: "2026-11-26T10:00:00+08:00" } : {}),
    },
  });
}
