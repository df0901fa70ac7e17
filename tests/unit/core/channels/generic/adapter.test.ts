import { describe, expect, it } from "vitest";
import { genericAdapter } from "@/lib/core/channels/generic";
import { genericEvent, genericSignatureHeader } from "@/tests/helpers/generic-signer";

const secret = "ldxp-generic-secret-0123456789";
const receive = (rawBody: string, header?: string, now = new Date()) =>
  genericAdapter.receive({ rawBody, headers: header ? { "x-ldxp-signature": header } : {}, credentials: { secret }, now });

describe("generic (other) adapter", () => {
  it("accepts a signed payment.succeeded and normalises it", async () => {
    const body = genericEvent({ id: "evt_1", transactionId: "PX-1", reference: "LD7K2M9QX4", amount: 12800 });
    const result = await receive(body, genericSignatureHeader(body, secret));
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification).toMatchObject({ eventKey: "event:evt_1", refund: null });
    expect(result.notification.payment).toMatchObject({
      channel: "other",
      channelTransactionId: "PX-1",
      reference: "LD7K2M9QX4",
      amount: 12800,
      currency: "CNY",
      receivedAt: "2026-11-25T02:00:05.000Z",
      payerName: "张三",
    });
  });

  it("normalises refund.succeeded into the payment plus its refund", async () => {
    const body = genericEvent({ transactionId: "PX-1", amount: 12800, refund: { refundId: "RF-1", refundAmount: 2800 } });
    const result = await receive(body, genericSignatureHeader(body, secret));
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification.refund).toMatchObject({ channelTransactionId: "PX-1", channelRefundId: "RF-1", amount: 2800, refundedAt: "2026-11-26T02:00:00.000Z" });
  });

  it("rejects tampering, a wrong secret, a stale or missing signature", async () => {
    const body = genericEvent({ transactionId: "PX-1", amount: 12800 });
    expect(await receive(body.replace("12800", "12801"), genericSignatureHeader(body, secret))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, genericSignatureHeader(body, "another-secret-0123456789"))).toMatchObject({ kind: "rejected", status: 401 });
    const t = 1_795_000_000;
    expect((await receive(body, genericSignatureHeader(body, secret, t), new Date((t + 300) * 1000))).kind).toBe("accepted");
    expect(await receive(body, genericSignatureHeader(body, secret, t), new Date((t + 301) * 1000))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body, genericSignatureHeader(body, secret, t), new Date((t - 301) * 1000))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(body)).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("answers 400 naming the field for a signed but malformed event", async () => {
    const body = JSON.stringify({ id: "e", type: "payment.succeeded", data: { transactionId: "T", amount: 12.5, currency: "CNY", paidAt: "2026-11-25T10:00:00+08:00" } });
    expect(await receive(body, genericSignatureHeader(body, secret))).toMatchObject({ kind: "rejected", status: 400, reason: expect.stringContaining("data.amount") });
  });
});
