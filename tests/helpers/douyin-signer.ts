// Test-only: signs Douyin 担保支付 callbacks with node:crypto (channels.md §4), independently of lib/core.
import crypto from "node:crypto";

/** The callback body Douyin posts for a msg object, signed with `token`. */
export function signDouyinCallback(token: string, type: "payment" | "refund", msg: Record<string, unknown>, timestamp = String(Math.floor(Date.now() / 1000)), nonce = String(crypto.randomInt(100, 9999))): string {
  const msgText = JSON.stringify(msg);
  const msgSignature = crypto.createHash("sha1").update([token, timestamp, nonce, msgText].sort().join("")).digest("hex");
  return JSON.stringify({ timestamp, nonce, msg: msgText, type, msg_signature: msgSignature });
}

/** A realistic payment msg. */
export function douyinPaymentMsg(options: { appId: string; cpOrderno: string; totalAmount: number; orderId?: string; overrides?: Record<string, unknown> }) {
  return {
    appid: options.appId,
    cp_orderno: options.cpOrderno,
    cp_extra: '{"shop":"ldxp"}',
    way: "2",
    channel_no: "2026112522001400000000000001",
    channel_gateway_no: "",
    payment_order_no: `PCP${crypto.randomInt(1_000_000, 9_999_999)}`,
    out_channel_order_no: "",
    total_amount: options.totalAmount,
    status: "SUCCESS",
    seller_uid: "69999999999999",
    extra: "",
    item_id: "",
    paid_at: 1_795_000_000,
    message: "",
    order_id: options.orderId ?? `N${crypto.randomInt(1_000_000_000, 9_999_999_999)}`,
    ...options.overrides,
  };
}

/** A realistic refund msg. */
export function douyinRefundMsg(options: { appId: string; orderId: string; refundAmount: number; refundNo?: string; status?: string }) {
  return {
    appid: options.appId,
    cp_refundno: `RF-${crypto.randomInt(1000, 9999)}`,
    cp_extra: "",
    status: options.status ?? "SUCCESS",
    refund_amount: options.refundAmount,
    is_all_settled: false,
    refunded_at: 1_795_086_400,
    message: "",
    order_id: options.orderId,
    refund_no: options.refundNo ?? `R${crypto.randomInt(1_000_000_000, 9_999_999_999)}`,
  };
}
