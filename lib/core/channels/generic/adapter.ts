import { type ChannelAdapter, type ChannelReply, normalizedOrRejected } from "@/lib/core/channels/adapter";
import { normalizeGenericNotification } from "./normalize";
import { verifyTimestampedHmac } from "./signing";

/** Credentials of an `other` channel account: the shared HMAC secret. */
export interface GenericCredentials {
  secret: string;
}

/** Header carrying `t=<unix>,v1=<hex>` for the generic scheme. */
export const GENERIC_SIGNATURE_HEADER = "x-ldxp-signature";

const json = (status: number, body: unknown): ChannelReply => ({ status, body: JSON.stringify(body), contentType: "application/json" });

/** Any processor we have no dedicated adapter for, posting the signed JSON documented in ./README.md. */
export const genericAdapter: ChannelAdapter<GenericCredentials> = {
  channel: "other",
  async receive({ rawBody, headers, credentials, now }) {
    const check = await verifyTimestampedHmac({ header: headers[GENERIC_SIGNATURE_HEADER], rawBody, secret: credentials.secret, now });
    if (!check.ok) return { kind: "rejected", status: 401, reason: check.reason };
    return normalizedOrRejected(() => normalizeGenericNotification(rawBody));
  },
  ack: () => json(200, { received: true }),
  reject: (status) => json(status, { received: false }),
  retryLater: () => json(500, { received: false }),
};
