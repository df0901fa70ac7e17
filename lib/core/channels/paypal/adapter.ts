import { type ChannelAdapter, type ChannelReply, normalizedOrRejected } from "@/lib/core/channels/adapter";
import { normalizePaypalEvent } from "./normalize";
import { paypalTransmission, verifyPaypalSignature } from "./verify";

/** Credentials of a PayPal webhook: its id and the PEM certificate PayPal signs with (offline verification). */
export interface PaypalCredentials {
  webhookId: string;
  certificate: string;
}

const json = (status: number, body: unknown): ChannelReply => ({ status, body: JSON.stringify(body), contentType: "application/json" });

/** PayPal REST webhooks: any 2xx acknowledges; otherwise PayPal retries up to 25 times over 3 days. */
export const paypalAdapter: ChannelAdapter<PaypalCredentials> = {
  channel: "paypal",
  async receive({ rawBody, headers, credentials, now }) {
    const check = await verifyPaypalSignature({
      transmission: paypalTransmission(headers),
      rawBody,
      webhookId: credentials.webhookId,
      certificate: credentials.certificate,
      now,
    });
    if (!check.ok) return { kind: "rejected", status: 401, reason: check.reason };
    return normalizedOrRejected(() => normalizePaypalEvent(rawBody));
  },
  ack: () => json(200, { received: true }),
  reject: (status) => json(status, { received: false }),
  retryLater: () => json(500, { received: false }),
};
