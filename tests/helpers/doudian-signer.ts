// Test-only: 抖店 message pushes signed as the open-douyin webhook doc describes (X-Douyin-Signature =
// sha1_hex(secret + body)), with node:crypto, independently of lib/core (an oracle, not a mirror).
import crypto from "node:crypto";

/**
 * A trade_TradePaid (tag 101) message. `data` is a JSON string written by hand so the 19-digit ids stay
 * bare JSON numbers, exactly as a Java sender would serialise its Long fields.
 */
export function doudianPaidMessage(o: { orderId: string; payAmount: number; msgId?: string; payTime?: number; shopId?: number }) {
  const data = `{"p_id":${o.orderId},"s_ids":[${BigInt(o.orderId) + 1n}],"shop_id":${o.shopId ?? 77977},"order_status":2,"order_type":0,"pay_time":${o.payTime ?? 1_795_640_000},"pay_amount":${o.payAmount},"pay_type":1,"biz":2}`;
  return { tag: "101", msg_id: o.msgId ?? `7${crypto.randomInt(1e9, 9e9)}${crypto.randomInt(1e9, 9e9)}`, data };
}

/** A trade_TradeCreate (tag 100) message: it carries no amount. */
export function doudianCreatedMessage(o: { orderId: string; msgId?: string }) {
  const data = `{"p_id":${o.orderId},"s_ids":[${o.orderId}],"shop_id":77977,"order_status":1,"order_type":0,"create_time":1795639000,"biz":2}`;
  return { tag: "100", msg_id: o.msgId ?? `6${crypto.randomInt(1e9, 9e9)}`, data };
}

/** The headers 抖店 sends with a body. */
export function signDoudian(rawBody: string, appSecret: string, msgId: string = crypto.randomUUID()) {
  return {
    "content-type": "application/json",
    "msg-id": msgId,
    "x-douyin-signature": crypto.createHash("sha1").update(appSecret + rawBody, "utf8").digest("hex"),
  };
}
