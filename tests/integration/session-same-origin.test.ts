// The web app's session routes act on the session cookie, which SameSite=Lax keeps off another site's
// POST but not off a sibling subdomain's (the same site). A page there could upload a statement as
// text/plain (no preflight) and mark the merchant's orders paid; only the app's own origin may write.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { POST as importOrdersRoute } from "@/app/api/app/orders/import/route";
import { POST as statementsRoute } from "@/app/api/app/statements/route";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { orders, payments, users } from "@/lib/db/schema";
import { buildCsv, CMB_HEADER, cmbCredit, toGbk } from "../fixtures/statements/cn-exports";
import { bankMerchant, BASE, createOrder } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; merchantId: string; passwordStamp: string; signedInAt: number } } }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const t = setupTestDatabase();
type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
let m: Awaited<ReturnType<typeof bankMerchant>>;

beforeAll(async () => {
  m = await bankMerchant();
  const [owner] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
  session.current = { user: { id: owner.id, merchantId: m.merchantId, passwordStamp: passwordStamp(owner.passwordHash), signedInAt: Math.floor(Date.now() / 1000) } };
});

let serial = 0;
/** A signed-in browser's upload of a CMB statement paying `reference` in full, as a no-preflight text/plain POST. */
async function upload(reference: string, amount: string, headers: Record<string, string>) {
  const csv = buildCsv(CMB_HEADER, [
    cmbCredit({ date: "20261120", time: "10:00:00", credit: amount, serial: `CSRF${String(++serial).padStart(8, "0")}`, memo: reference, payer: "张三", account: "6222020200115566" }),
  ]);
  const request = new Request(`${BASE}/api/app/statements?channelAccountId=${m.bankId}&format=cmb-csv`, {
    method: "POST",
    headers: { "content-type": "text/plain", ...headers },
    body: Buffer.from(toGbk(csv)),
  });
  const res = await (statementsRoute as unknown as Handler)(request, { params: Promise.resolve({}) });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string }; imported?: number } };
}

const orderStatus = async (reference: string) => (await t.db().select().from(orders).where(eq(orders.reference, reference)))[0].status;
const bankPayments = async () => t.db().select().from(payments).where(eq(payments.channelAccountId, m.bankId));

describe(`session routes refuse writes from other origins of the same site (${process.env.TEST_DB})`, () => {
  it("a same-site (or cross-site) browser upload is 403 in the contract's shape and changes nothing", async () => {
    const order = await createOrder(m.apiKey, { amount: 20000 });
    for (const site of ["same-site", "cross-site"]) {
      const res = await upload(order.reference, "200.00", { "sec-fetch-site": site });
      expect(res.status, site).toBe(403);
      expect(res.json.error?.code, site).toBe("forbidden");
      expect(typeof res.json.error?.message).toBe("string");
    }
    expect(await bankPayments()).toEqual([]);
    expect(await orderStatus(order.reference)).toBe("pending");
  });

  it("without Sec-Fetch-Site, an Origin other than the app's own is refused", async () => {
    const order = await createOrder(m.apiKey, { amount: 20100 });
    for (const origin of ["http://shop.127.0.0.1:3000", "https://evil.example", "http://127.0.0.1:3001", "null"]) {
      const res = await upload(order.reference, "201.00", { origin });
      expect(res.status, origin).toBe(403);
      expect(res.json.error?.code, origin).toBe("forbidden");
    }
    // The same origin behind a proxy that forwards the public host is the app's own.
    const proxied = await upload(order.reference, "201.00", { origin: "https://pay.example.cn", "x-forwarded-host": "pay.example.cn", "x-forwarded-proto": "https" });
    expect(proxied.status, JSON.stringify(proxied.json)).toBe(200);
    expect(await orderStatus(order.reference)).toBe("paid");
  });

  it("the app's own pages (same-origin) and tools without either header still write", async () => {
    const fromPage = await createOrder(m.apiKey, { amount: 20200 });
    const res = await upload(fromPage.reference, "202.00", { "sec-fetch-site": "same-origin", origin: BASE });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.imported).toBe(1);
    expect(await orderStatus(fromPage.reference)).toBe("paid");

    const fromOrigin = await createOrder(m.apiKey, { amount: 20300 });
    expect((await upload(fromOrigin.reference, "203.00", { origin: BASE })).status).toBe(200);
    const fromTool = await createOrder(m.apiKey, { amount: 20400 });
    expect((await upload(fromTool.reference, "204.00", {})).status).toBe(200);
    expect([await orderStatus(fromOrigin.reference), await orderStatus(fromTool.reference)]).toEqual(["paid", "paid"]);
  });

  it("the order import refuses a same-site upload the same way", async () => {
    const request = new Request(`${BASE}/api/app/orders/import?format=taobao`, {
      method: "POST",
      headers: { "content-type": "text/plain", "sec-fetch-site": "same-site" },
      body: "订单编号,买家实际支付金额\r\n",
    });
    const res = await (importOrdersRoute as unknown as Handler)(request, { params: Promise.resolve({}) });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });
});
