import fs from "node:fs";
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { POST as importRoute } from "@/app/api/v1/orders/import/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as doudianRoute } from "@/app/api/webhooks/doudian/[channelAccountId]/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { orders, rejectedNotifications, webhookEvents } from "@/lib/db/schema";
import { BASE, call, merchantWithAlipay } from "../helpers/api";
import { doudianCreatedMessage, doudianPaidMessage, signDoudian } from "../helpers/doudian-signer";
import { genericEvent, genericSignatureHeader } from "../helpers/generic-signer";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const ACK = '{"code":0,"msg":"success"}';
const appSecret = "ddsecret-5f1c0e7a9b2d4e6f8a0b";

async function setup() {
  const m = await merchantWithAlipay();
  const account = await call(createChannelAccount as unknown as H, {
    apiKey: m.apiKey,
    body: { channel: "doudian", name: "抖店 旗舰店", credentials: { appKey: "7123456789012345678", appSecret } },
  });
  expect(account.status).toBe(201);
  expect(account.json.webhookUrl).toBe(`/api/webhooks/doudian/${account.json.id}`);
  return { ...m, doudianId: account.json.id as string };
}

const push = (accountId: string, rawBody: string, headers: Record<string, string>) =>
  call(doudianRoute as unknown as H, { path: `/api/webhooks/doudian/${accountId}`, params: { channelAccountId: accountId }, rawBody, headers });

const ordersOf = (merchantId: string) => t.db().select().from(orders).where(eq(orders.merchantId, merchantId));
const countOf = async (table: typeof webhookEvents | typeof rejectedNotifications, accountId: string) =>
  (await t.db().select({ n: count() }).from(table).where(eq(table.channelAccountId, accountId)))[0].n;

describe(`抖店 message push (${process.env.TEST_DB})`, () => {
  it("a signed paid message creates the order: 19-digit id kept as text, amount exact in fen, with a reference", async () => {
    const s = await setup();
    const body = JSON.stringify([doudianPaidMessage({ orderId: "4837328765348566675", payAmount: 19_990 })]);
    const res = await push(s.doudianId, body, signDoudian(body, appSecret, "MSG-1"));
    expect(res.status).toBe(200);
    expect(res.text).toBe(ACK);
    const rows = await ordersOf(s.merchantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ orderNo: "4837328765348566675", platformOrderId: "4837328765348566675", source: "douyin", amount: 19_990, status: "pending" });
    expect(rows[0].details).toMatchObject({ subOrderIds: ["4837328765348566676"], shopId: "77977", platformPaidAt: "2026-11-25T20:53:20.000Z" });
    const view = await call(getOrder as unknown as H, { method: "GET", apiKey: s.apiKey, params: { reference: rows[0].reference } });
    expect(view.json).toMatchObject({ orderNo: "4837328765348566675", amount: 19_990, status: "pending" });
  });

  it("the same Msg-Id again is acknowledged and records nothing new; the same order under a new Msg-Id stays one order", async () => {
    const s = await setup();
    const body = JSON.stringify([doudianPaidMessage({ orderId: "4837328765348566700", payAmount: 5_000 })]);
    const headers = signDoudian(body, appSecret, "MSG-DUP");
    for (let i = 0; i < 2; i++) expect((await push(s.doudianId, body, headers)).text).toBe(ACK);
    expect(await countOf(webhookEvents, s.doudianId)).toBe(1);
    const again = JSON.stringify([doudianPaidMessage({ orderId: "4837328765348566700", payAmount: 5_000 })]);
    expect((await push(s.doudianId, again, signDoudian(again, appSecret, "MSG-DUP-2"))).text).toBe(ACK);
    expect(await countOf(webhookEvents, s.doudianId)).toBe(2);
    expect(await ordersOf(s.merchantId)).toHaveLength(1);
  });

  it("an order-created message (no amount) is acknowledged without creating an order", async () => {
    const s = await setup();
    const body = JSON.stringify([doudianCreatedMessage({ orderId: "4837328765348566800" })]);
    expect((await push(s.doudianId, body, signDoudian(body, appSecret))).text).toBe(ACK);
    expect(await ordersOf(s.merchantId)).toHaveLength(0);
    expect(await countOf(webhookEvents, s.doudianId)).toBe(1);
  });

  it.each([
    ["a tampered body", (body: string) => ({ rawBody: body.replace("19990", "1"), headers: signDoudian(body, appSecret) })],
    ["the wrong secret", (body: string) => ({ rawBody: body, headers: signDoudian(body, "another-app-secret") })],
    ["no signature header", (body: string) => ({
      rawBody: body,
      headers: Object.fromEntries(Object.entries(signDoudian(body, appSecret)).filter(([k]) => k !== "x-douyin-signature")),
    })],
  ])("%s is refused with 401, a rejected_notifications row and no order", async (_name, make) => {
    const s = await setup();
    const d = make(JSON.stringify([doudianPaidMessage({ orderId: "4837328765348566900", payAmount: 19_990 })]));
    const res = await push(s.doudianId, d.rawBody, d.headers);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: { code: "invalid_signature", message: expect.any(String) } });
    expect(await ordersOf(s.merchantId)).toHaveLength(0);
    expect(await countOf(webhookEvents, s.doudianId)).toBe(0);
    expect(await countOf(rejectedNotifications, s.doudianId)).toBe(1);
  });

  it("a signed body that is not a push at all is a 400 that records nothing; an unknown account is a 404", async () => {
    const s = await setup();
    for (const body of ["{not json", "[]", "42"]) {
      const res = await push(s.doudianId, body, signDoudian(body, appSecret));
      expect(res.status, body).toBe(400);
      expect(res.json.error.code).toBe("invalid_push");
    }
    expect(await ordersOf(s.merchantId)).toHaveLength(0);
    expect(await countOf(webhookEvents, s.doudianId)).toBe(0);
    expect(await countOf(rejectedNotifications, s.doudianId)).toBe(3);
    const unknown = await push("00000000-0000-4000-8000-000000000000", "[]", signDoudian("[]", appSecret));
    expect(unknown.status).toBe(404);
  });

  it("a message that cannot be read is left out with its reason; the batch's other orders are created and the push acknowledged", async () => {
    const s = await setup();
    const body = JSON.stringify([
      doudianPaidMessage({ orderId: "4837328765348566675", payAmount: 19_990 }),
      doudianPaidMessage({ orderId: "4837328765348566680", payAmount: 0, msgId: "7000000000000000680" }),
      { tag: "101", msg_id: "7000000000000000681", data: '{"p_id":4837328765348566681,"pay_amount":"12.5"}' },
      { tag: "101", msg_id: "7000000000000000682", data: "{broken" },
      "not a message",
      doudianPaidMessage({ orderId: "4837328765348566690", payAmount: 5_000 }),
    ]);
    const res = await push(s.doudianId, body, signDoudian(body, appSecret, "MSG-MIXED"));
    expect(res.status).toBe(200);
    expect(res.text).toBe(ACK);
    expect((await ordersOf(s.merchantId)).map((o) => [o.orderNo, o.amount]).sort()).toEqual([
      ["4837328765348566675", 19_990],
      ["4837328765348566690", 5_000],
    ]);
    const [event] = await t.db().select().from(webhookEvents).where(eq(webhookEvents.channelAccountId, s.doudianId));
    expect(event.outcome).toMatch(/^orders: 4837328765348566675,4837328765348566690; /);
    expect(event.outcome).toContain("ignored message 7000000000000000680 (tag 101): [1].data.pay_amount: must be a positive integer number of fen, got 0");
    expect(event.outcome).toContain('ignored message 7000000000000000681 (tag 101): [2].data.pay_amount: must be a positive integer number of fen, got "12.5"');
    expect(event.outcome).toContain("ignored message 7000000000000000682 (tag 101): [3].data: not valid JSON");
    expect(event.outcome).toContain("ignored message: [4]: not an object");
    expect(await countOf(rejectedNotifications, s.doudianId)).toBe(0);
  });

  it("a pushed order is paid by a notification carrying its reference, and a later export import adds no second copy", async () => {
    const s = await setup();
    const body = JSON.stringify([doudianPaidMessage({ orderId: "6928374655102938480", payAmount: 128_800 })]);
    expect((await push(s.doudianId, body, signDoudian(body, appSecret))).text).toBe(ACK);
    const [pushed] = await ordersOf(s.merchantId);

    const csv = new Uint8Array(fs.readFileSync("tests/fixtures/orders/douyin-orders-utf8-bom.csv"));
    const req = new Request(`${BASE}/api/v1/orders/import?format=douyin`, { method: "POST", headers: { authorization: `Bearer ${s.apiKey}`, "content-type": "text/csv" }, body: csv });
    const imported = await (importRoute as unknown as H)(req, { params: Promise.resolve({}) });
    expect(await imported.json()).toMatchObject({ imported: 2, duplicates: 1 });
    const same = await t.db().select().from(orders).where(and(eq(orders.merchantId, s.merchantId), eq(orders.orderNo, "6928374655102938480")));
    expect(same.map((o) => o.id)).toEqual([pushed.id]);

    const secret = "ldxp-doudian-settlement-secret-0123";
    const other = await call(createChannelAccount as unknown as H, { apiKey: s.apiKey, body: { channel: "other", name: "结算", credentials: { secret } } });
    const note = genericEvent({ transactionId: "DY-SETTLE-1", reference: pushed.reference, amount: 128_800 });
    const res = await call(webhookRoute as unknown as H, {
      path: `/api/webhooks/other/${other.json.id}`,
      params: { channel: "other", channelAccountId: other.json.id },
      rawBody: note,
      headers: { "content-type": "application/json", "x-ldxp-signature": genericSignatureHeader(note, secret) },
    });
    expect(res.status).toBe(200);
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: s.apiKey, params: { reference: pushed.reference } });
    expect(after.json).toMatchObject({ status: "paid", paidAmount: 128_800 });
  });
});
