import type { ChannelAdapter, ChannelReply } from "@/lib/core/channels/adapter";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { normalizeAlipayNotification } from "./normalize";
import { parseAlipayForm } from "./parse-form";
import { verifyAlipaySignature } from "./verify";

export interface AlipayCredentials {
  appId: string;
  alipayPublicKey: string;
  sellerId?: string;
}

const text = (status: number, body: string): ChannelReply => ({ status, body, contentType: "text/plain; charset=utf-8" });

/** Alipay async notify: form post, RSA2; Alipay retries anything but the exact body `success`. */
export const alipayAdapter: ChannelAdapter<AlipayCredentials> = {
  channel: "alipay",
  async receive({ rawBody, credentials }) {
    let form: Record<string, string>;
    try {
      form = parseAlipayForm(rawBody);
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `malformed: ${err.message}` };
      throw err;
    }
    if (!(await verifyAlipaySignature(form, credentials.alipayPublicKey))) {
      return { kind: "rejected", status: 401, reason: "bad signature" };
    }
    // Alipay's own checks after verifying: the notify must be for our app (and seller, when configured).
    if (form.app_id !== credentials.appId || (credentials.sellerId && form.seller_id !== credentials.sellerId)) {
      return { kind: "rejected", status: 401, reason: "app_id/seller_id mismatch" };
    }
    try {
      return { kind: "accepted", notification: normalizeAlipayNotification(form) };
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `invalid: ${err.message}` };
      throw err;
    }
  },
  ack: () => text(200, "success"),
  reject: (status) => text(status, "fail"),
  retryLater: () => text(500, "fail"),
};
