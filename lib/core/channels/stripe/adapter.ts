import { type ChannelAdapter, type ChannelReply, normalizedOrRejected } from "@/lib/core/channels/adapter";
import { verifyTimestampedHmac } from "@/lib/core/channels/generic/signing";
import { normalizeStripeEvent } from "./normalize";

/** Credentials of a Stripe channel account: the endpoint's signing secret. */
export interface StripeCredentials {
  webhookSecret: string;
}

const json = (status: number, body: unknown): ChannelReply => ({ status, body: JSON.stringify(body), contentType: "application/json" });

/** Verifies a `Stripe-Signature` header exactly like stripe-node's `webhooks.constructEvent` (v1 scheme, 300 s). */
export function verifyStripeSignature(params: { header: string | undefined; rawBody: string; webhookSecret: string; now: Date }) {
  return verifyTimestampedHmac({ header: params.header, rawBody: params.rawBody, secret: params.webhookSecret, now: params.now });
}

/** Stripe webhook endpoint: any 2xx acknowledges; anything else is retried (live mode for up to 3 days). */
export const stripeAdapter: ChannelAdapter<StripeCredentials> = {
  channel: "stripe",
  async receive({ rawBody, headers, credentials, now }) {
    const check = await verifyStripeSignature({ header: headers["stripe-signature"], rawBody, webhookSecret: credentials.webhookSecret, now });
    if (!check.ok) return { kind: "rejected", status: 401, reason: check.reason };
    return normalizedOrRejected(() => normalizeStripeEvent(rawBody));
  },
  ack: () => json(200, { received: true }),
  reject: (status) => json(status, { received: false }),
  retryLater: () => json(500, { received: false }),
};
