import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listAccountsRoute } from "@/app/api/v1/channel-accounts/route";
import { PATCH as updateAccountRoute } from "@/app/api/v1/channel-accounts/[accountId]/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { auditEvents } from "@/lib/db/schema";
import { call, createOrder, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { generateAlipayKeyPair } from "../helpers/alipay-signer";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type Merchant = Awaited<ReturnType<typeof merchantWithAlipay>>;

const patch = (apiKey: string, accountId: string, body: unknown) =>
  call(updateAccountRoute as unknown as H, { method: "PATCH", apiKey, params: { accountId }, body });
const orderStatus = async (m: Merchant, reference: string) =>
  (await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference } })).json.status as string;
const updates = async (m: Merchant) => {
  const [row] = await t
    .db()
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "channel_account.updated")));
  return row.n;
};

describe(`channel accounts: renewing, disabling, enabling (${process.env.TEST_DB})`, () => {
  it("a renewed Alipay key is merged over the stored credentials: the old key's notifications are refused, the new key's pay; a retry writes nothing", async () => {
    const m = await merchantWithAlipay();
    const renewed = generateAlipayKeyPair();
    const res = await patch(m.apiKey, m.accountId, { credentials: { alipayPublicKey: renewed.publicKeyPem } });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ id: m.accountId, channel: "alipay", publicConfig: { appId: m.appId }, disabledAt: null });

    const order = await createOrder(m.apiKey, { amount: 5000 });
    expect((await payWithAlipay(m, order.reference, "50.00")).status).not.toBe(200);
    expect(await orderStatus(m, order.reference)).toBe("pending");
    const withNewKey = { ...m, keys: renewed };
    expect((await payWithAlipay(withNewKey, order.reference, "50.00")).text).toBe("success");
    expect(await orderStatus(m, order.reference)).toBe("paid");

    const [event] = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "channel_account.updated")));
    expect(event.after).toMatchObject({ credentialsChanged: true, disabled: false, publicConfig: { appId: m.appId } });
    expect(JSON.stringify([event.before, event.after])).not.toContain("PUBLIC KEY");
    // The same request again changes nothing and records nothing.
    expect((await patch(m.apiKey, m.accountId, { credentials: { alipayPublicKey: renewed.publicKeyPem } })).status).toBe(200);
    expect(await updates(m)).toBe(1);
  });

  it("null removes an optional field, a required one cannot go; a bad key is refused naming the field and changes nothing", async () => {
    const m = await merchantWithAlipay();
    expect((await patch(m.apiKey, m.accountId, { credentials: { sellerId: "2088000000000001" } })).json.publicConfig).toEqual({ appId: m.appId, sellerId: "2088000000000001" });
    expect((await patch(m.apiKey, m.accountId, { credentials: { sellerId: null } })).json.publicConfig).toEqual({ appId: m.appId });
    const before = await updates(m);

    const required = await patch(m.apiKey, m.accountId, { credentials: { appId: null } });
    expect(required.status).toBe(400);
    expect(required.json.error).toMatchObject({ code: "invalid_field" });
    expect(required.json.error.message).toContain("credentials.appId");
    const badKey = await patch(m.apiKey, m.accountId, { credentials: { alipayPublicKey: "-----BEGIN PUBLIC KEY-----\nnot a key, not at all\n-----END PUBLIC KEY-----" } });
    expect(badKey.status).toBe(400);
    expect(badKey.json.error.message).toContain("credentials.alipayPublicKey");
    expect(await updates(m)).toBe(before);
    const order = await createOrder(m.apiKey, { amount: 1200 });
    expect((await payWithAlipay(m, order.reference, "12.00")).text).toBe("success");
  });

  it("a disabled account refuses notifications and leaves checkout; enabled again it takes them; renaming shows in the list", async () => {
    const m = await merchantWithAlipay();
    // Checkout hands out the account's notify URL while it is enabled...
    expect(JSON.stringify((await createOrder(m.apiKey, { amount: 100 })).channelParams)).toContain(m.accountId);
    const disabled = await patch(m.apiKey, m.accountId, { disabled: true, name: "支付宝（已停用）" });
    expect(disabled.status).toBe(200);
    expect(disabled.json.disabledAt).not.toBeNull();
    const order = await createOrder(m.apiKey, { amount: 3000 });
    // ...and not once it is disabled.
    expect(JSON.stringify(order.channelParams ?? {})).not.toContain(m.accountId);
    expect((await payWithAlipay(m, order.reference, "30.00")).status).toBe(404);
    expect(await orderStatus(m, order.reference)).toBe("pending");
    const listed = await call(listAccountsRoute as unknown as H, { method: "GET", apiKey: m.apiKey });
    expect(listed.json.data).toEqual([expect.objectContaining({ id: m.accountId, name: "支付宝（已停用）", disabledAt: disabled.json.disabledAt })]);

    // Disabling twice keeps the first instant and writes nothing.
    expect((await patch(m.apiKey, m.accountId, { disabled: true })).json.disabledAt).toBe(disabled.json.disabledAt);
    expect(await updates(m)).toBe(1);

    expect((await patch(m.apiKey, m.accountId, { disabled: false })).json.disabledAt).toBeNull();
    expect((await payWithAlipay(m, order.reference, "30.00")).text).toBe("success");
    expect(await orderStatus(m, order.reference)).toBe("paid");
  });

  it("another merchant's account, a malformed id and an empty change are refused without a write", async () => {
    const a = await merchantWithAlipay();
    const b = await merchantWithAlipay();
    const foreign = await patch(b.apiKey, a.accountId, { disabled: true });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe("not_found");
    expect((await patch(b.apiKey, "not-a-uuid", { disabled: true })).status).toBe(404);
    const empty = await patch(a.apiKey, a.accountId, {});
    expect(empty.status).toBe(400);
    expect((await patch(a.apiKey, a.accountId, { disabled: "yes" })).status).toBe(400);
    expect(await updates(a)).toBe(0);
    const order = await createOrder(a.apiKey, { amount: 800 });
    expect((await payWithAlipay(a, order.reference, "8.00")).text).toBe("success");
  });
});
