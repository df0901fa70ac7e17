import { beforeAll, describe, expect, it } from "vitest";
import { isUnionpaySignerName, unionpayAdapter, type UnionpayCredentials } from "@/lib/core/channels/unionpay";
import { makeCertificate, makeUnionpayChain, signUnionpayFields, unionpayConsumeNotify, unionpayFormBody } from "@/tests/helpers/unionpay-signer";

const MER = "777290058110048";
let chain: ReturnType<typeof makeUnionpayChain>;
let credentials: UnionpayCredentials;

beforeAll(() => {
  chain = makeUnionpayChain();
  credentials = { merId: MER, rootCertificate: chain.root.certPem, intermediateCertificate: chain.intermediate.certPem };
});

const receive = (fields: Record<string, string>, now = new Date(), creds = credentials) =>
  unionpayAdapter.receive({ rawBody: unionpayFormBody(fields), headers: {}, credentials: creds, now });
const signed = (overrides: Record<string, string | undefined> = {}, leaf = chain.leaf) =>
  signUnionpayFields(unionpayConsumeNotify({ merId: MER, orderId: "LD7K2M9QX4", txnAmt: "12800", queryId: "692611251000050000001", overrides }), leaf);

describe("UnionPay 5.1.0 adapter", () => {
  it("verifies the chain and signature and normalises a consume notify", async () => {
    const result = await receive(signed());
    if (result.kind !== "accepted") throw new Error(JSON.stringify(result));
    expect(result.notification.eventKey).toBe("01:692611251000050000001:00");
    expect(result.notification.payment).toMatchObject({
      channel: "unionpay",
      channelTransactionId: "692611251000050000001",
      reference: "LD7K2M9QX4",
      amount: 12800,
      currency: "CNY",
      receivedAt: "2026-11-25T02:00:05.000Z",
      payerAccount: "6226****0048",
      merchantAccountId: MER,
    });
    expect(result.notification.payment?.details).toMatchObject({ reqReserved: "shop=ldxp&note=a b", settleDate: "1125" });
  });

  it("rejects a tampered field, a missing signature and a signature by a key outside the chain", async () => {
    expect(await receive({ ...signed(), txnAmt: "1" })).toMatchObject({ kind: "rejected", status: 401, reason: "bad signature" });
    const unsigned = signed();
    delete unsigned.signature;
    expect(await receive(unsigned)).toMatchObject({ kind: "rejected", status: 401, reason: "signature missing" });
    // A certificate with the right CN, self-issued by an attacker: not issued by the configured intermediate.
    const rogueCa = makeCertificate({ subject: "/C=CN/O=China Financial Certification Authority/CN=CFCA TEST OCA1", ca: true });
    const rogue = makeCertificate({ subject: "/C=CN/O=China UnionPay/CN=中国银联股份有限公司", issuer: rogueCa });
    expect(await receive(signed({}, rogue))).toMatchObject({ kind: "rejected", status: 401, reason: expect.stringContaining("not issued by") });
    // A valid leaf signing, but the signPubKeyCert swapped for another chain member.
    expect(await receive({ ...signed(), signPubKeyCert: chain.intermediate.certPem })).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("rejects a signer whose CN is not UnionPay's, and accepts the SDK's @-separated CN form", async () => {
    const stranger = makeCertificate({ subject: "/C=CN/O=Example/CN=某某科技有限公司", issuer: chain.intermediate });
    expect(await receive(signed({}, stranger))).toMatchObject({ kind: "rejected", status: 401, reason: expect.stringContaining("CN") });
    const sdkStyle = makeCertificate({ subject: "/C=CN/O=China UnionPay/CN=041@Z12345678@中国银联股份有限公司@00000001", issuer: chain.intermediate });
    expect((await receive(signed({}, sdkStyle))).kind).toBe("accepted");
    expect(isUnionpaySignerName("041@Z1@某某公司@1")).toBe(false);
  });

  it("rejects a signing certificate outside its validity at `now`", async () => {
    const later = new Date(Date.now() + 400 * 86_400_000);
    expect(await receive(signed(), later)).toMatchObject({ kind: "rejected", status: 401, reason: expect.stringContaining("not valid") });
    const earlier = new Date(Date.now() - 86_400_000);
    expect(await receive(signed(), earlier)).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("rejects another merId, non-5.1.0 versions and other signMethods", async () => {
    expect(await receive(signed({ merId: "777290058110049" }))).toMatchObject({ kind: "rejected", status: 401, reason: expect.stringContaining("merId") });
    expect(await receive(signed({ version: "5.0.0" }))).toMatchObject({ kind: "rejected", status: 401 });
    expect(await receive(signed({ signMethod: "11" }))).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("ignores failed transactions and maps refunds (04) to origQryId", async () => {
    const failed = await receive(signed({ respCode: "05", respMsg: "交易失败" }));
    expect(failed).toMatchObject({ kind: "accepted", notification: { payment: null, ignoredReason: expect.stringContaining("05") } });
    const refund = await receive(signed({ txnType: "04", orderId: "RF20261126001", txnAmt: "3000", queryId: "692611261000050000009", origQryId: "692611251000050000001" }));
    if (refund.kind !== "accepted") throw new Error(JSON.stringify(refund));
    expect(refund.notification).toMatchObject({ payment: null, eventKey: "04:692611261000050000009:00" });
    expect(refund.notification.refund).toMatchObject({ channelTransactionId: "692611251000050000001", channelRefundId: "692611261000050000009", amount: 3000, reference: null });
  });

  it("a void of the day's consume (31 消费撤销) gives the money back as a refund of the original, not a notify to drop", async () => {
    const voided = await receive(signed({ txnType: "31", orderId: "VD20261126001", txnAmt: "12800", queryId: "692611261000050000010", origQryId: "692611251000050000001" }));
    if (voided.kind !== "accepted") throw new Error(JSON.stringify(voided));
    expect(voided.notification).toMatchObject({ payment: null, ignoredReason: null, eventKey: "31:692611261000050000010:00" });
    expect(voided.notification.refund).toMatchObject({ channelTransactionId: "692611251000050000001", channelRefundId: "692611261000050000010", amount: 12800, details: { void: true } });
  });

  it("acknowledges with 200 ok", () => {
    expect(unionpayAdapter.ack()).toMatchObject({ status: 200, body: "ok" });
  });
});
