import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listAccountsRoute } from "@/app/api/v1/channel-accounts/route";
import { PATCH as updateAccountRoute } from "@/app/api/v1/channel-accounts/[accountId]/route";
import { POST as createAccountRoute } from "@/app/api/v1/channel-accounts/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { GET as listAnomaliesRoute } from "@/app/api/v1/anomalies/route";
import { POST as sweepRoute } from "@/app/api/v1/jobs/anomaly-sweep/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { auditEvents, channelAccounts } from "@/lib/db/schema";
import { call, createOrder, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { generateAlipayKeyPair } from "../helpers/alipay-signer";
import { makePaypalCertificate } from "../helpers/paypal-signer";
import { makeCertificate } from "../helpers/unionpay-signer";
import { encryptWechatpayResource, generateApiV3Key, generateWechatpayKeyPair, signWechatpay, wechatpayEnvelope, wechatpayTransaction } from "../helpers/wechatpay-signer";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type Merchant = Awaited<ReturnType<typeof merchantWithAlipay>>;

const patch = (apiKey: string, accountId: string, body: unknown) =>
  call(updateAccountRoute as unknown as H, { method: "PATCH", apiKey, params: { accountId }, body });
const orderStatus = async (m: Merchant, reference: string) =>
  (await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference } })).json.status as string;
/** The identifiers kept of an account's credentials (never answered by the API). */
const identifiers = async (accountId: string) =>
  (await t.db().select({ c: channelAccounts.publicConfig }).from(channelAccounts).where(eq(channelAccounts.id, accountId)))[0].c;
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
    expect(res.json).toMatchObject({ id: m.accountId, channel: "alipay", disabledAt: null });
    // Credentials are write-only: not even the appId comes back.
    expect(JSON.stringify(res.json)).not.toContain(m.appId);

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
    expect((await patch(m.apiKey, m.accountId, { credentials: { sellerId: "2088000000000001" } })).status).toBe(200);
    expect(await identifiers(m.accountId)).toEqual({ appId: m.appId, sellerId: "2088000000000001" });
    expect((await patch(m.apiKey, m.accountId, { credentials: { sellerId: null } })).status).toBe(200);
    expect(await identifiers(m.accountId)).toEqual({ appId: m.appId });
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

  it("a WeChat Pay merchant moves from platform certificates to the WeChat Pay public key: both verify while both are set, then the certificates are dropped", async () => {
    const m = await merchantWithAlipay();
    const mchId = "1900000109";
    const apiV3Key = generateApiV3Key();
    const certSerial = "5157F09EFDC096DE15EBE78A47057A2D4FA1A6A2";
    const platform = makeCertificate({ subject: "/C=CN/O=Tenpay.com/CN=Tenpay.com Root CA", days: 30, serial: `0x${certSerial}` });
    const created = await call(createAccountRoute as unknown as H, {
      apiKey: m.apiKey,
      body: { channel: "wechatpay", name: "微信支付", credentials: { mchId, apiV3Key, platformCertificates: [{ serial: certSerial.toLowerCase(), pem: platform.certPem }] } },
    });
    expect(created.status, created.text).toBe(201);
    const accountId = created.json.id as string;
    const notify = async (reference: string, amount: number, signer: string, serial: string) => {
      const tx = wechatpayTransaction({ mchId, outTradeNo: reference, total: amount });
      const rawBody = wechatpayEnvelope("TRANSACTION.SUCCESS", encryptWechatpayResource(apiV3Key, JSON.stringify(tx), "transaction"));
      const res = await call(webhookRoute as unknown as H, {
        path: `/api/webhooks/wechatpay/${accountId}`,
        params: { channel: "wechatpay", channelAccountId: accountId },
        rawBody,
        headers: signWechatpay(rawBody, signer, serial),
      });
      return res.status;
    };

    const publicKey = generateWechatpayKeyPair();
    const keyId = "PUB_KEY_ID_0119000001092026112700000001";
    const migrating = await patch(m.apiKey, accountId, { credentials: { platformPublicKey: publicKey.publicKeyPem, platformPublicKeyId: keyId } });
    expect(migrating.status, migrating.text).toBe(200);
    expect(await identifiers(accountId)).toEqual({ mchId, platformPublicKeyId: keyId });
    expect(migrating.text).not.toContain(keyId);
    const first = await createOrder(m.apiKey, { amount: 1000 });
    const second = await createOrder(m.apiKey, { amount: 2000 });
    expect(await notify(first.reference, 1000, platform.keyPem, certSerial)).toBe(204);
    expect(await notify(second.reference, 2000, publicKey.privateKeyPem, keyId)).toBe(204);

    expect((await patch(m.apiKey, accountId, { credentials: { platformCertificates: null } })).status).toBe(200);
    const third = await createOrder(m.apiKey, { amount: 3000 });
    expect(await notify(third.reference, 3000, platform.keyPem, certSerial)).not.toBe(204);
    expect(await orderStatus(m, third.reference)).toBe("pending");
    expect(await notify(third.reference, 3000, publicKey.privateKeyPem, keyId)).toBe(204);
    for (const o of [first, second, third]) expect(await orderStatus(m, o.reference)).toBe("paid");
    // The public key cannot go without its id (nor the other way round).
    const half = await patch(m.apiKey, accountId, { credentials: { platformPublicKeyId: null } });
    expect(half.status).toBe(400);
    expect(half.json.error.message).toContain("credentials.platformPublicKeyId");
  });

  it("the sweep flags a certificate lapsing within 30 days and resolves the anomaly once the account's certificate is renewed", async () => {
    const m = await merchantWithAlipay();
    const created = await call(createAccountRoute as unknown as H, {
      apiKey: m.apiKey,
      body: { channel: "paypal", name: "PayPal 主账户", credentials: { webhookId: "4JH86294D6297924G", certificate: makePaypalCertificate(10).certPem } },
    });
    expect(created.status, created.text).toBe(201);
    const sweep = async () => (await call(sweepRoute as unknown as H, { apiKey: m.apiKey })).json as { opened: number; resolved: number };
    const open = async () =>
      (await call(listAnomaliesRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/anomalies?kind=credentials_expiring" })).json.data as Record<string, unknown>[];

    expect(await sweep()).toEqual({ opened: 1, resolved: 0 });
    const [anomaly] = await open();
    expect(anomaly).toMatchObject({ kind: "credentials_expiring", severity: "medium", status: "open", subjectKey: `credentials:${created.json.id}` });
    expect(await sweep()).toEqual({ opened: 0, resolved: 0 });

    expect((await patch(m.apiKey, created.json.id, { credentials: { certificate: makePaypalCertificate(400).certPem } })).status).toBe(200);
    expect(await sweep()).toEqual({ opened: 0, resolved: 1 });
    expect((await open()).filter((a) => a.status !== "resolved")).toEqual([]);
  });
});

describe(`channel accounts: the list pages like every list (${process.env.TEST_DB})`, () => {
  const list = (apiKey: string, query = "") => call(listAccountsRoute as unknown as H, { method: "GET", apiKey, path: `/api/v1/channel-accounts${query}` });

  it("pages by limit and cursor, oldest first, visiting each account once; no credentials; another merchant's rows never appear", async () => {
    const m = await merchantWithAlipay();
    const other = await merchantWithAlipay();
    const ids = [m.accountId];
    for (let i = 1; i <= 4; i++) {
      const res = await call(createAccountRoute as unknown as H, {
        apiKey: m.apiKey,
        body: { channel: "bank", name: `银行 ${i}`, credentials: { bankName: "招商银行", accountNo: `62258801000000${i}` } },
      });
      expect(res.status, res.text).toBe(201);
      ids.push(res.json.id);
    }
    const all = await list(m.apiKey);
    expect(all.status).toBe(200);
    expect(all.json.nextCursor).toBeNull();
    expect(all.json.data.map((a: { id: string }) => a.id)).toEqual(ids);
    expect(JSON.stringify(all.json)).not.toContain("62258801");

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(m.apiKey, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status, res.text).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.data.map((a: { id: string }) => a.id));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    // An exact fit ends without an empty extra page.
    const five = await list(m.apiKey, "?limit=5");
    expect([five.json.data.length, five.json.nextCursor]).toEqual([5, null]);

    // A cursor from one merchant's list walks only the other's own rows.
    const first = await list(m.apiKey, "?limit=1");
    const foreign = await list(other.apiKey, `?cursor=${first.json.nextCursor}`);
    expect(foreign.status).toBe(200);
    expect(foreign.json.data.every((a: { id: string }) => !ids.includes(a.id))).toBe(true);
  });

  it("a bad limit or cursor is 400 naming it, in the contract's error shape", async () => {
    const m = await merchantWithAlipay();
    const outOfRange = Buffer.from(`0000-01-01T00:00:00.000Z|${m.accountId}`).toString("base64url");
    for (const [query, field] of [
      ["?limit=abc", "limit"],
      ["?limit=0", "limit"],
      ["?limit=501", "limit"],
      ["?limit=1.5", "limit"],
      ["?limit=", "limit"],
      ["?cursor=garbage", "cursor"],
      [`?cursor=${outOfRange}`, "cursor"],
    ]) {
      const res = await list(m.apiKey, query);
      expect(res.status, `${query} → ${res.text}`).toBe(400);
      expect(res.json).toEqual({ error: { code: expect.any(String), message: expect.stringContaining(field) } });
    }
    expect((await list(m.apiKey, "?limit=500")).status).toBe(200);
  });
});
