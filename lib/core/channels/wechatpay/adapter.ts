import type { ChannelAdapter, ChannelReply } from "@/lib/core/channels/adapter";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { type JsonObject, parseJsonObject, requiredObject, requiredString, optionalString } from "@/lib/core/channels/generic/json-fields";
import type { WechatpayCredentials } from "./credentials";
import { WechatpayDecryptError, decryptWechatpayResource } from "./decrypt";
import { normalizeWechatpayNotification } from "./normalize";
import { verifyWechatpaySignature, wechatpayHeaders } from "./verify";

// WeChat decides by HTTP status alone; on failure it wants this body (200 + FAIL would count as success).
const FAIL: ChannelReply = { status: 500, body: JSON.stringify({ code: "FAIL", message: "失败" }), contentType: "application/json" };

/** WeChat Pay API v3 payment and refund callbacks: 204 acknowledges, any 4xx/5xx is retried for about a day. */
export const wechatpayAdapter: ChannelAdapter<WechatpayCredentials> = {
  channel: "wechatpay",
  async receive({ rawBody, headers, credentials, now }) {
    const check = await verifyWechatpaySignature({ headers: wechatpayHeaders(headers), rawBody, credentials, now });
    if (!check.ok) return { kind: "rejected", status: 401, reason: check.reason };
    let envelope: JsonObject;
    let resource: JsonObject;
    try {
      envelope = parseJsonObject(rawBody, "body");
      const encrypted = requiredObject(envelope, "resource");
      const algorithm = requiredString(encrypted, "algorithm", "resource");
      if (algorithm !== "AEAD_AES_256_GCM") throw new NotificationFormatError("resource.algorithm", `unsupported "${algorithm}"`);
      const plaintext = await decryptWechatpayResource(
        {
          ciphertext: requiredString(encrypted, "ciphertext", "resource"),
          nonce: requiredString(encrypted, "nonce", "resource"),
          associated_data: optionalString(encrypted, "associated_data", "resource"),
        },
        credentials.apiV3Key,
      );
      resource = parseJsonObject(plaintext, "resource");
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `malformed: ${err.message}` };
      if (err instanceof WechatpayDecryptError) return { kind: "rejected", status: 400, reason: err.message };
      throw err;
    }
    // The callback must be about our merchant number, whatever the event.
    const mchid = resource.mchid;
    if (mchid !== credentials.mchId) return { kind: "rejected", status: 401, reason: `mchid ${String(mchid)} is not ${credentials.mchId}` };
    try {
      return { kind: "accepted", notification: normalizeWechatpayNotification(envelope, resource) };
    } catch (err) {
      if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `invalid: ${err.message}` };
      throw err;
    }
  },
  // No body: a 204 response must not have one.
  ack: () => ({ status: 204, body: "", contentType: "text/plain" }),
  reject: (status) => ({ ...FAIL, status }),
  retryLater: () => FAIL,
};
