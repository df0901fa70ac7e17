import { describe, expect, it } from "vitest";
import { douyinAdapter, douyinSignature } from "@/lib/core/channels/douyin";
import { douyinPaymentMsg, douyinRefundMsg, signDouyinCallback } from "@/tests/helpers/douyin-signer";

const credentials = { appId: "tt07e3715e98c9aac0", token: "ldxp-douyin-token-7f3a" };
const receive = (rawBody: string, creds = credentials) => douyinAdapter.receive({ rawBody, headers: {}, credentials: creds, now: new Date() });

describe("Douyin 担保支付 adapter", () => {
  it("computes the documented signature (sha1 of the four sorted values)", async () => {
    const actual = await douyinSignature("token", { timestamp: "1644399124", nonce: "797", msg: "{}" });
    const { createHash } = await import("node:crypto");
    expect(actual).toBe(createHash("sha1").update(["token", "1644399124", "797", "{}"].sort().join("")).digest("hex"));
    // Sorted, "1644399124" < "797" < "token" < "{}": the order is by code unit, not by the parameter names.
    expect(actual).toBe(createHash("sha1").update("1644399124797token{}").digest("hex"));
  });

  it("accepts and normalises a payment callback", async () => {
    const body = signDouyinCallback(credentials.token, "payment", douyinPaymentMsg({ appId: credentials.appId, cpOrderno: "LD7K2M9QX4", totalAmount: 12800, orderId: "N7300000000000000001" }));
    const result = await receive(body);
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification.eventKey).toBe("payment:N7300000000000000001");
    expect(result.notification.payment).toMatchObject({
      channel: "douyin",
      channelTransactionId: "N7300000000000000001",
      reference: "LD7K2M9QX4",
      amount: 12800,
      currency: "CNY",
      receivedAt: new Date(1_795_000_000_000).toISOString(),
      merchantAccountId: credentials.appId,
    });
    expect(result.notification.payment?.details).toMatchObject({ cp_extra: '{"shop":"ldxp"}', way: "2" });
  });

  it("rejects a tampered msg, a wrong token, a missing signature and another appid", async () => {
    const msg = douyinPaymentMsg({ appId: credentials.appId, cpOrderno: "LD7K2M9QX4", totalAmount: 12800 });
    const body = signDouyinCallback(credentials.token, "payment", msg);
    expect(await receive(body.replace('\\"total_amount\\":12800', '\\"total_amount\\":1'))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(signDouyinCallback("another-token", "payment", msg))).toMatchObject({ kind: "rejected", status: 401 });
    const unsigned = JSON.parse(body);
    delete unsigned.msg_signature;
    expect(await receive(JSON.stringify(unsigned))).toMatchObject({ kind: "rejected", status: 401, reason: "msg_signature missing" });
    expect(await receive(signDouyinCallback(credentials.token, "payment", { ...msg, appid: "tt0000000000000000" }))).toMatchObject({ kind: "rejected", status: 401, reason: "appid mismatch" });
  });

  it("verifies the raw msg string: re-serialising it differently breaks the signature", async () => {
    const msg = douyinPaymentMsg({ appId: credentials.appId, cpOrderno: "LD7K2M9QX4", totalAmount: 100 });
    const envelope = JSON.parse(signDouyinCallback(credentials.token, "payment", msg));
    envelope.msg = JSON.stringify(JSON.parse(envelope.msg), null, 1);
    expect(await receive(JSON.stringify(envelope))).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("turns a SUCCESS refund into a refund of refund_amount and ignores FAIL", async () => {
    const ok = await receive(signDouyinCallback(credentials.token, "refund", douyinRefundMsg({ appId: credentials.appId, orderId: "N1", refundAmount: 500, refundNo: "R1" })));
    if (ok.kind !== "accepted") throw new Error(JSON.stringify(ok));
    expect(ok.notification).toMatchObject({ eventKey: "refund:R1:SUCCESS", payment: null });
    expect(ok.notification.refund).toMatchObject({ channelTransactionId: "N1", channelRefundId: "R1", amount: 500, refundedAt: new Date(1_795_086_400_000).toISOString() });
    const failed = await receive(signDouyinCallback(credentials.token, "refund", douyinRefundMsg({ appId: credentials.appId, orderId: "N1", refundAmount: 500, refundNo: "R2", status: "FAIL" })));
    expect(failed).toMatchObject({ kind: "accepted", notification: { payment: null, refund: null, ignoredReason: expect.stringContaining("FAIL") } });
  });

  it("answers with the exact ack and something else on rejection", () => {
    expect(douyinAdapter.ack()).toEqual({ status: 200, body: '{"err_no":0,"err_tips":"success"}', contentType: "application/json" });
    expect(douyinAdapter.reject(401).body).not.toBe(douyinAdapter.ack().body);
  });
});
