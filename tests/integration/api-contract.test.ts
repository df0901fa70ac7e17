import { describe, expect, it, onTestFinished } from "vitest";
import { count, eq } from "drizzle-orm";
import { GET as health } from "@/app/api/health/route";
import { GET as listAnomalies } from "@/app/api/v1/anomalies/route";
import { GET as listAccounts, POST as createAccount } from "@/app/api/v1/channel-accounts/route";
import { PATCH as patchAccount } from "@/app/api/v1/channel-accounts/[accountId]/route";
import { POST as checkoutRoute } from "@/app/api/v1/checkout/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { GET as listOrders } from "@/app/api/v1/orders/route";
import { GET as listPayments } from "@/app/api/v1/payments/route";
import { GET as listStatements } from "@/app/api/v1/statements/route";
import { POST as signupRoute } from "@/app/api/v1/signup/route";
import { isValidReference } from "@/lib/core/reference";
import { auditEvents, channelAccounts, orders } from "@/lib/db/schema";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;

describe(`HTTP contract (${process.env.TEST_DB})`, () => {
  it("health reports the database driver and the jobs mode", async () => {
    const res = await call(h(health), { method: "GET" });
    expect(res.status).toBe(200);
    const expected = process.env.TEST_DB === "neon" ? "neon" : process.env.TEST_DB;
    expect(res.json).toEqual({ status: "ok", database: expected, jobs: "embedded" });
  });

  it("signup creates a merchant and a key; duplicate email → 409; weak password → 400 naming the field", async () => {
    const email = `dup-${Date.now()}@example.cn`;
    const ok = await call(h(signupRoute), { body: { merchantName: "小铺", email, password: "0123456789" } });
    expect(ok.status).toBe(201);
    expect(ok.json.apiKey).toMatch(/^sk_/);
    const dup = await call(h(signupRoute), { body: { merchantName: "小铺2", email: email.toUpperCase(), password: "0123456789" } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("email_taken");
    const weak = await call(h(signupRoute), { body: { merchantName: "小铺3", email: `w${email}`, password: "short" } });
    expect(weak.status).toBe(400);
    expect(weak.json.error.message).toContain("password");
    const notJson = await call(h(signupRoute), { rawBody: "{", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    const wrongType = await call(h(signupRoute), { rawBody: "a=b", headers: { "content-type": "text/plain" } });
    expect(wrongType.status).toBe(415);
  });

  it("API routes need a valid Bearer key", async () => {
    expect((await call(h(checkoutRoute), { body: {} })).status).toBe(401);
    const bad = await call(h(checkoutRoute), { body: {}, apiKey: "sk_live_nope" });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe("unauthorized");
  });

  it("checkout is idempotent on (source, orderNo): same body → 200 same reference; other amount → 409", async () => {
    const m = await merchantWithAlipay();
    const body = { orderNo: "DY-20261125-0001", source: "douyin", amount: 12800, currency: "CNY", description: "原创连衣裙 x1", customer: { name: "张三", phone: "13800000000" }, returnUrl: "https://shop.example/orders/1" };
    const first = await call(h(checkoutRoute), { apiKey: m.apiKey, body });
    expect(first.status).toBe(201);
    expect(isValidReference(first.json.reference)).toBe(true);
    expect(first.json).toMatchObject({ orderNo: body.orderNo, amount: 12800, currency: "CNY", status: "pending", payUrl: `/pay/${first.json.reference}` });
    expect(first.json.channelParams.alipay).toMatchObject({
      out_trade_no: first.json.reference,
      notify_url: `http://127.0.0.1:3000/api/webhooks/alipay/${m.accountId}`,
    });
    expect(new Date(first.json.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const again = await call(h(checkoutRoute), { apiKey: m.apiKey, body });
    expect(again.status).toBe(200);
    expect(again.json.reference).toBe(first.json.reference);
    const conflict = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { ...body, amount: 12900 } });
    expect(conflict.status).toBe(409);
    const otherSource = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { ...body, source: "taobao" } });
    expect(otherSource.status).toBe(201);
    expect(otherSource.json.reference).not.toBe(first.json.reference);
    // The phone number is stored encrypted.
    const [row] = await t.db().select().from(orders).where(eq(orders.reference, first.json.reference));
    expect(row.customerPhoneEnc).not.toContain("13800000000");
  });

  it("concurrent identical checkouts create one order", async () => {
    const m = await merchantWithAlipay();
    const body = { orderNo: `RACE-${Date.now()}`, source: "web", amount: 100 };
    const results = await Promise.all(Array.from({ length: 6 }, () => call(h(checkoutRoute), { apiKey: m.apiKey, body })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.json.reference)).size).toBe(1);
  });

  it.each([
    [{ source: "web", amount: 100 }, "orderNo"],
    [{ orderNo: "A", source: "shop", amount: 100 }, "source"],
    [{ orderNo: "A", source: "web", amount: 1.5 }, "amount"],
    [{ orderNo: "A", source: "web", amount: -1 }, "amount"],
    [{ orderNo: "A", source: "web", amount: 100, currency: "cny" }, "currency"],
    [{ orderNo: "A", source: "web", amount: 100, returnUrl: "javascript:alert(1)" }, "returnUrl"],
  ])("bad checkout input %j → 400 naming %s", async (body, field) => {
    const m = await merchantWithAlipay();
    const res = await call(h(checkoutRoute), { apiKey: m.apiKey, body });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(field);
  });

  it("an unknown reference is 404 in the contract's error shape", async () => {
    const m = await merchantWithAlipay();
    const res = await call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference: "ZZZZZZZZZZ" } });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("channel account credentials are write-only and encrypted at rest; bad keys are refused", async () => {
    const m = await merchantWithAlipay();
    const list = await call(h(listAccounts), { method: "GET", apiKey: m.apiKey });
    expect(list.status).toBe(200);
    expect(list.json.data).toHaveLength(1);
    expect(list.json.data[0]).toMatchObject({ channel: "alipay", webhookUrl: `/api/webhooks/alipay/${m.accountId}` });
    expect(JSON.stringify(list.json)).not.toContain("PUBLIC KEY");
    const [row] = await t.db().select().from(channelAccounts).where(eq(channelAccounts.id, m.accountId));
    expect(row.credentialsEnc).toMatch(/^v1\./);
    expect(row.credentialsEnc).not.toContain("BEGIN");
    const bad = await call(h(createAccount), {
      apiKey: m.apiKey,
      body: { channel: "alipay", name: "x", credentials: { appId: "1", alipayPublicKey: "-----BEGIN PUBLIC KEY-----\nnot a key at all, not a key at all\n-----END PUBLIC KEY-----" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("alipayPublicKey");
    const missing = await call(h(createAccount), { apiKey: m.apiKey, body: { channel: "bank", name: "x", credentials: {} } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain("credentials.bankName");
  });

  it("bank accounts give transfer instructions with the reference as memo", async () => {
    const m = await merchantWithAlipay();
    const created = await call(h(createAccount), {
      apiKey: m.apiKey,
      body: { channel: "bank", name: "对公户", credentials: { bankName: "招商银行", accountNo: "6225880123456789", accountName: "链动小铺" } },
    });
    expect(created.status).toBe(201);
    const res = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { orderNo: "B-1", source: "pos", amount: 500 } });
    expect(res.json.channelParams.bank).toMatchObject({ accountNo: "6225880123456789", memo: res.json.reference });
  });

  it("every money-affecting step leaves a hash-chained audit event", async () => {
    const m = await merchantWithAlipay();
    const events = await t.db().select().from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId)).orderBy(auditEvents.id);
    expect(events.map((e) => e.action)).toEqual(["merchant.created", "user.created", "api_key.created", "channel_account.created"]);
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
    const { verifyChain } = await import("@/lib/core/audit/chain");
    const records = events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }));
    expect(await verifyChain(records)).toBeNull();
    records[1] = { ...records[1], after: { email: "evil@example.cn", role: "owner" } };
    expect(await verifyChain(records)).toEqual({ index: 1, reason: "hash_mismatch" });
  });
});

describe(`rate limits (${process.env.TEST_DB})`, () => {
  it("an API key over its limit gets 429 with Retry-After, and other keys are unaffected", async () => {
    const { namedRateLimiter } = await import("@/lib/http/rate-limit");
    const { hashApiKey } = await import("@/lib/auth/api-keys");
    const { apiKeys } = await import("@/lib/db/schema");
    const { readConfig } = await import("@/lib/config/env");
    const a = await merchantWithAlipay();
    const b = await merchantWithAlipay();
    const [key] = await t.db().select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(a.apiKey)));
    const limiter = namedRateLimiter("api", readConfig().apiRateLimitPerMinute, 60_000);
    for (let i = 0; i < readConfig().apiRateLimitPerMinute; i++) limiter.hit(key.id);
    const limited = await call(h(listAccounts), { method: "GET", apiKey: a.apiKey });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(h(listAccounts), { method: "GET", apiKey: b.apiKey })).status).toBe(200);
  });

  it("behind a trusted proxy, sign-ups are limited per client address (the one the proxy saw), not from the server's own machine", async () => {
    const { namedRateLimiter } = await import("@/lib/http/rate-limit");
    const hops = process.env.TRUST_PROXY_HOPS;
    process.env.TRUST_PROXY_HOPS = "1";
    onTestFinished(() => {
      if (hops === undefined) delete process.env.TRUST_PROXY_HOPS;
      else process.env.TRUST_PROXY_HOPS = hops;
    });
    const { readConfig } = await import("@/lib/config/env");
    const { users } = await import("@/lib/db/schema");
    const limiter = namedRateLimiter("signup", readConfig().signupRateLimitPerHour, 3_600_000);
    const crowded = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < readConfig().signupRateLimitPerHour; i++) {
      limiter.hit(crowded);
      limiter.hit("127.0.0.1");
    }
    const signUp = (xff: string) => {
      const email = `limit-${Date.now()}-${Math.random().toString(36).slice(2)}@example.cn`;
      return call(h(signupRoute), { headers: { "x-forwarded-for": xff }, body: { merchantName: "限流小铺", email, password: "long enough password" } }).then((res) => ({ res, email }));
    };

    // Writing another address in front changes nothing: the proxy appended the real one last.
    const refused = await signUp(`198.51.100.1, ${crowded}`);
    expect(refused.res.status).toBe(429);
    expect(refused.res.json.error.code).toBe("rate_limited");
    expect(Number(refused.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await t.db().select().from(users).where(eq(users.email, refused.email))).toEqual([]);

    expect((await signUp(`${crowded}, 198.51.100.2`)).res.status).toBe(201);
    expect((await signUp("127.0.0.1")).res.status).toBe(201);
    expect((await signUp("::ffff:127.0.0.1")).res.status).toBe(201);
  });
});

// Instants JavaScript parses but the database cannot store (year 0, before year 1, after 9999) must be
// refused as bad input, not reach a query and come back as a 500.
describe(`dates outside what the database stores (${process.env.TEST_DB})`, () => {
  const LISTS: [string, H][] = [
    ["orders", h(listOrders)],
    ["payments", h(listPayments)],
    ["anomalies", h(listAnomalies)],
    ["statements", h(listStatements)],
  ];
  const ID = "0b8f0f6e-3c1a-4a53-9d43-7f7c9a0e2b11";
  const cursorOf = (at: string) => Buffer.from(`${at}|${ID}`).toString("base64url");

  it("a keyset cursor holding such a date is 400 invalid cursor on every list; an in-range one pages", async () => {
    const m = await merchantWithAlipay();
    for (const [name, route] of LISTS) {
      for (const at of ["0000-01-01T00:00:00.000Z", "-001000-01-01T00:00:00.000Z", "+275000-01-01T00:00:00.000Z", "0000-12-31T23:59:59.999Z", "+010000-01-01T00:00:00.000Z"]) {
        const res = await call(route, { method: "GET", apiKey: m.apiKey, path: `/api/v1/${name}?cursor=${cursorOf(at)}` });
        expect(res.status, `${name} ${at} → ${res.text}`).toBe(400);
        expect(res.json, name).toEqual({ error: { code: expect.any(String), message: expect.stringContaining("cursor") } });
      }
      for (const at of ["0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "2026-01-01T00:00:00.000Z"]) {
        const res = await call(route, { method: "GET", apiKey: m.apiKey, path: `/api/v1/${name}?cursor=${cursorOf(at)}` });
        expect(res.status, `${name} ${at} → ${res.text}`).toBe(200);
      }
    }
  });

  it("from/to out of range are 400 naming the field; a time without an offset is refused (the contract's times carry one)", async () => {
    const m = await merchantWithAlipay();
    await createOrder(m.apiKey, { amount: 500 });
    for (const [name, route] of LISTS.slice(0, 2)) {
      for (const query of ["from=0000-01-01T00:00:00Z", "to=0000-01-01T00:00:00Z", "from=0001-01-01", "from=0001-01-01T00:00:00%2B08:00", "to=9999-12-31T23:59:59-08:00", "from=2026-01-01T00:00:00", "to=2026-01-01T10:00", "from=2026-02-30T00:00:00Z", "from=2026-01-01T24:00:00Z"]) {
        const res = await call(route, { method: "GET", apiKey: m.apiKey, path: `/api/v1/${name}?${query}` });
        expect(res.status, `${name}?${query} → ${res.text}`).toBe(400);
        expect(res.json.error.message, query).toContain(query.slice(0, query.indexOf("=")));
      }
      for (const query of ["from=0001-01-01T00:00:00Z", "to=9999-12-31", "from=2026-01-01T00:00:00%2B08:00", "from=2026-01-01T00:00:00.123456Z&to=2126-01-01t00:00:00z"]) {
        const res = await call(route, { method: "GET", apiKey: m.apiKey, path: `/api/v1/${name}?${query}` });
        expect(res.status, `${name}?${query} → ${res.text}`).toBe(200);
      }
    }
    // An offset-given time is exact: the order made just now is inside [now − 1 min in Shanghai, …).
    const since = new Date(Date.now() - 60_000 + 8 * 3_600_000).toISOString().slice(0, 19) + "%2B08:00";
    const listed = await call(h(listOrders), { method: "GET", apiKey: m.apiKey, path: `/api/v1/orders?from=${since}` });
    expect(listed.json.data).toHaveLength(1);
  });

  it("checkout with an expiresAt the database cannot store is 400 naming the field, and creates nothing", async () => {
    const m = await merchantWithAlipay();
    const orderCount = async () => (await t.db().select({ n: count() }).from(orders).where(eq(orders.merchantId, m.merchantId)))[0].n;
    // Unstorable instants, and ones that have already passed (an order dead on arrival: the storefront's clock or offset is wrong).
    const passed = [new Date(Date.now() - 1000).toISOString(), "2020-01-01T00:00:00+08:00"];
    for (const expiresAt of ["0000-01-01T00:00:00Z", "0000-12-31T23:00:00Z", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00", ...passed]) {
      const res = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { orderNo: `EXP-${expiresAt}`, source: "web", amount: 100, expiresAt } });
      expect(res.status, `${expiresAt} → ${res.text}`).toBe(400);
      expect(res.json.error).toMatchObject({ code: "invalid_field", message: expect.stringContaining("expiresAt") });
    }
    expect(await orderCount()).toBe(0);
    const ok = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { orderNo: "EXP-OK", source: "web", amount: 100, expiresAt: "9999-12-31T23:59:59Z" } });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json.expiresAt).toBe("9999-12-31T23:59:59.000Z");
  });

  it("with two accounts of one channel, the channel's own key always names the older one (the other is keyed by its id)", async () => {
    const m = await merchantWithAlipay();
    const second = await call(h(createAccount), { apiKey: m.apiKey, body: { channel: "alipay", name: "支付宝备用", credentials: { appId: "2021999999999999", alipayPublicKey: m.keys.publicKeyPem } } });
    expect(second.status, second.text).toBe(201);
    // Renamed since: a changed row still keeps its place as the older account.
    const renamed = await call(h(patchAccount), { method: "PATCH", apiKey: m.apiKey, params: { accountId: m.accountId }, body: { name: "支付宝主账户（改名）" } });
    expect(renamed.status, renamed.text).toBe(200);
    const res = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { orderNo: "TWO-ALIPAY", source: "web", amount: 100 } });
    expect(res.status, res.text).toBe(201);
    expect(res.json.channelParams.alipay.notify_url).toContain(m.accountId);
    expect(res.json.channelParams[`alipay:${second.json.id}`].notify_url).toContain(second.json.id);
  });

  it("checkout takes real currencies only: an invented code or one with three minor digits is 400 and creates nothing", async () => {
    const m = await merchantWithAlipay();
    for (const currency of ["ZZZ", "KWD"]) {
      const res = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { orderNo: `CUR-${currency}`, source: "web", amount: 100, currency } });
      expect(res.status, res.text).toBe(400);
      expect(res.json.error.message).toContain("currency");
    }
    for (const currency of ["USD", "JPY"]) {
      const res = await call(h(checkoutRoute), { apiKey: m.apiKey, body: { orderNo: `CUR-${currency}`, source: "web", amount: 100, currency } });
      expect(res.status, res.text).toBe(201);
      expect(res.json.currency).toBe(currency);
    }
  });
});
