// Test-only: signs and encrypts WeChat Pay API v3 callbacks with node:crypto the way WeChat does (channels.md §9),
// independently of lib/core (an oracle, not a mirror).
import crypto from "node:crypto";

/** A WeChat Pay public key pair (public-key mode): PKCS#8 private key (WeChat's side) and SPKI public key (ours). */
export function generateWechatpayKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A random 32-character APIv3 key. */
export const generateApiV3Key = () => crypto.randomBytes(24).toString("base64").replace(/[+/]/g, "x").slice(0, 32);

/** AES-256-GCM encryption of a resource as WeChat does it (base64 of ciphertext ‖ tag). */
export function encryptWechatpayResource(apiV3Key: string, plaintext: string, originalType: string, nonce = crypto.randomBytes(6).toString("hex")) {
  const cipher = crypto.createCipheriv("aes-256-gcm", Buffer.from(apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from(originalType));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]).toString("base64");
  return { original_type: originalType, algorithm: "AEAD_AES_256_GCM", ciphertext, associated_data: originalType, nonce };
}

/** The callback envelope around an encrypted resource. */
export function wechatpayEnvelope(eventType: string, resource: ReturnType<typeof encryptWechatpayResource>, id = `EV-${crypto.randomUUID()}`) {
  const summary = eventType === "TRANSACTION.SUCCESS" ? "支付成功" : eventType === "REFUND.SUCCESS" ? "退款成功" : "退款异常";
  return JSON.stringify({
    id,
    create_time: "2026-11-25T10:00:06+08:00",
    resource_type: "encrypt-resource",
    event_type: eventType,
    summary,
    resource,
  });
}

/** A decrypted TRANSACTION.SUCCESS resource; `overrides` has the last word. */
export function wechatpayTransaction(options: { mchId: string; outTradeNo: string; total: number; transactionId?: string; overrides?: Record<string, unknown> }) {
  return {
    appid: "wxd678efh567hg6787",
    mchid: options.mchId,
    out_trade_no: options.outTradeNo,
    transaction_id: options.transactionId ?? `4200001${crypto.randomInt(100_000_000, 999_999_999)}${crypto.randomInt(1_000_000_000, 9_999_999_999)}`,
    trade_type: "JSAPI",
    trade_state: "SUCCESS",
    trade_state_desc: "支付成功",
    bank_type: "CMC",
    attach: "shop=ldxp",
    success_time: "2026-11-25T10:00:05+08:00",
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
    amount: { total: options.total, payer_total: options.total - 100, currency: "CNY", payer_currency: "CNY" },
    promotion_detail: [
      { coupon_id: "109519", name: "单品惠", scope: "SINGLE", type: "DISCOUNT", amount: 100, wechatpay_contribute: 0, merchant_contribute: 100, other_contribute: 0, currency: "CNY" },
    ],
    ...options.overrides,
  };
}

/** A decrypted refund resource (REFUND.SUCCESS by default). */
export function wechatpayRefund(options: { mchId: string; outTradeNo: string; transactionId: string; total: number; refund: number; refundId?: string; status?: string }) {
  return {
    mchid: options.mchId,
    out_trade_no: options.outTradeNo,
    transaction_id: options.transactionId,
    out_refund_no: `RF${crypto.randomInt(100_000, 999_999)}`,
    refund_id: options.refundId ?? `50000${crypto.randomInt(100_000_000, 999_999_999)}`,
    refund_status: options.status ?? "SUCCESS",
    success_time: "2026-11-26T09:00:00+08:00",
    user_received_account: "招商银行信用卡0403",
    amount: { total: options.total, refund: options.refund, payer_total: options.total, payer_refund: options.refund },
  };
}

/** The four `Wechatpay-*` headers for a body, signed with WeChat's private key. */
export function signWechatpay(rawBody: string, privateKeyPem: string, serial: string, timestamp = Math.floor(Date.now() / 1000), nonce = crypto.randomBytes(16).toString("hex")) {
  const signature = crypto.sign("sha256", Buffer.from(`${timestamp}\n${nonce}\n${rawBody}\n`), privateKeyPem).toString("base64");
  return {
    "wechatpay-timestamp": String(timestamp),
    "wechatpay-nonce": nonce,
    "wechatpay-signature": signature,
    "wechatpay-serial": serial,
    "content-type": "application/json",
  };
}
