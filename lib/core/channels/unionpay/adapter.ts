import type { ChannelAdapter, ChannelReply } from "@/lib/core/channels/adapter";
import { parseAlipayForm } from "@/lib/core/channels/alipay/parse-form";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { normalizeUnionpayNotification } from "./normalize";
import { verifyUnionpaySignature } from "./verify";

/** Credentials of a UnionPay gateway merchant: merId and the UnionPay root and intermediate certificates. */
export interface UnionpayCredentials {
  merId: string;
  rootCertificate: string;
  intermediateCertificate: string;
}

const text = (status: number, body: string): ChannelReply => ({ status, body, contentType: "text/plain; charset=utf-8" });

/** UnionPay 全渠道 backend notify (`backUrl`), version 5.1.0 with certificate signatures. */
export const unionpayAdapter: ChannelAdapter<UnionpayCredentials> = {
  channel: "unionpay",
  async receive({ rawBody, credentials, now }) {
    let fields: Record<string, string>;
    try {
      // Same one-decode form rules as Alipay: values stay exactly as UnionPay signed them.
      fields = parseAlipayForm(rawBody);
      if (fields.encoding !== undefined && fields.encoding.toUpperCase() !== "UTF-8") {
        throw new NotificationFormatError("encoding", `unsupported encoding "${fields.encoding}"; send with encoding=UTF-8`);
      }
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `malformed: ${err.message}` };
      throw err;
    }
    const check = await verifyUnionpaySignature(fields, credentials, now);
    if (!check.ok) return { kind: "rejected", status: 401, reason: check.reason };
    if (fields.merId !== credentials.merId) return { kind: "rejected", status: 401, reason: `merId ${fields.merId ?? ""} is not ${credentials.merId}` };
    try {
      return { kind: "accepted", notification: normalizeUnionpayNotification(fields) };
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `invalid: ${err.message}` };
      throw err;
    }
  },
  ack: () => text(200, "ok"),
  reject: (status) => text(status, "fail"),
  retryLater: () => text(500, "fail"),
};
