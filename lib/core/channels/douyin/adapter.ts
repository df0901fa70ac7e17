import type { ChannelAdapter, ChannelReply } from "@/lib/core/channels/adapter";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { type JsonObject, parseJsonObject, requiredString, rawField } from "@/lib/core/channels/generic/json-fields";
import { normalizeDouyinMessage } from "./normalize";
import { verifyDouyinSignature } from "./verify";

/** Credentials of a Douyin 小程序 account: its appid and the 支付设置 Token. */
export interface DouyinCredentials {
  appId: string;
  token: string;
}

const json = (status: number, body: unknown): ChannelReply => ({ status, body: JSON.stringify(body), contentType: "application/json" });

// The signature covers the values exactly as sent; a number would be signed as its decimal text.
function signedText(envelope: JsonObject, key: string): string {
  const value = rawField(envelope, key);
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return requiredString(envelope, key);
}

/** Douyin 小程序 担保支付 payment and refund callbacks; anything but the exact ack JSON is retried. */
export const douyinAdapter: ChannelAdapter<DouyinCredentials> = {
  channel: "douyin",
  async receive({ rawBody, credentials }) {
    let envelope: JsonObject;
    let values: { timestamp: string; nonce: string; msg: string; msgSignature: string; type: string };
    try {
      envelope = parseJsonObject(rawBody, "body");
      const msgSignature = rawField(envelope, "msg_signature");
      if (typeof msgSignature !== "string" || msgSignature === "") return { kind: "rejected", status: 401, reason: "msg_signature missing" };
      values = {
        timestamp: signedText(envelope, "timestamp"),
        nonce: signedText(envelope, "nonce"),
        msg: requiredString(envelope, "msg"),
        type: requiredString(envelope, "type"),
        msgSignature,
      };
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `malformed: ${err.message}` };
      throw err;
    }
    if (!(await verifyDouyinSignature(credentials.token, values))) return { kind: "rejected", status: 401, reason: "bad signature" };
    try {
      const msg = parseJsonObject(values.msg, "msg");
      if (requiredString(msg, "appid", "msg") !== credentials.appId) return { kind: "rejected", status: 401, reason: "appid mismatch" };
      return { kind: "accepted", notification: normalizeDouyinMessage(values.type, msg) };
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `invalid: ${err.message}` };
      throw err;
    }
  },
  ack: () => json(200, { err_no: 0, err_tips: "success" }),
  reject: (status) => json(status, { err_no: status, err_tips: status === 401 ? "invalid signature" : "rejected" }),
  retryLater: () => json(500, { err_no: 500, err_tips: "retry later" }),
};
