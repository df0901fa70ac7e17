// The merchant's checkout settings: how long an unpaid order stays open, and whether checkouts ask a unique amount.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as checkoutRoute } from "@/app/api/v1/checkout/route";
import { GET as getSettings, PUT as putSettings } from "@/app/api/v1/settings/checkout/route";
import { auditEvents } from "@/lib/db/schema";
import { bankMerchant, call } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
let m: Awaited<ReturnType<typeof bankMerchant>>;
let n = 0;

const read = () => call(getSettings as unknown as H, { method: "GET", apiKey: m.apiKey });
const write = (body: unknown) => call(putSettings as unknown as H, { method: "PUT", apiKey: m.apiKey, body });
const checkout = (body: Record<string, unknown> = {}) =>
  call(checkoutRoute as unknown as H, { apiKey: m.apiKey, body: { orderNo: `CS-${++n}`, source: "web", amount: 5000, ...body } });

beforeAll(async () => {
  m = await bankMerchant();
});

describe(`checkout settings (${process.env.TEST_DB})`, () => {
  it("start at a day's expiry and no unique amount", async () => {
    expect((await read()).json).toEqual({ orderTtlMinutes: 1440, uniqueAmount: false });
    expect((await checkout()).json.payableAmount).toBe(5000);
  });

  it.each([
    [{ orderTtlMinutes: 1, uniqueAmount: true }, "orderTtlMinutes"],
    [{ orderTtlMinutes: 60 }, "uniqueAmount"],
    [{ orderTtlMinutes: 60, uniqueAmount: "yes" }, "uniqueAmount"],
    [{ orderTtlMinutes: 60, uniqueAmount: true, extra: 1 }, "extra"],
  ])("%j is a 400 naming %s, and changes nothing", async (body, field) => {
    const res = await write(body);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(field);
    expect((await read()).json).toEqual({ orderTtlMinutes: 1440, uniqueAmount: false });
  });

  it("once set, a checkout that does not say asks a unique amount and expires after the set time; one that says no does not", async () => {
    const saved = await write({ orderTtlMinutes: 120, uniqueAmount: true });
    expect(saved.status).toBe(200);
    expect(saved.json).toEqual({ orderTtlMinutes: 120, uniqueAmount: true });
    expect((await read()).json).toEqual(saved.json);
    const [event] = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "checkout_settings.set")));
    expect(event).toMatchObject({ before: { orderTtlMinutes: 1440, uniqueAmount: false }, after: { orderTtlMinutes: 120, uniqueAmount: true } });

    const before = Date.now();
    const asked = await checkout();
    expect(asked.json.payableAmount).toBe(4999);
    const expires = new Date(asked.json.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 120 * 60_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 120 * 60_000 + 1000);
    expect((await checkout({ uniqueAmount: false })).json.payableAmount).toBe(5000);

    // Another merchant's settings and checkouts are not touched.
    const other = await bankMerchant();
    expect((await call(getSettings as unknown as H, { method: "GET", apiKey: other.apiKey })).json).toEqual({ orderTtlMinutes: 1440, uniqueAmount: false });
    const theirs = await call(checkoutRoute as unknown as H, { apiKey: other.apiKey, body: { orderNo: "CS-OTHER", source: "web", amount: 5000 } });
    expect(theirs.json.payableAmount).toBe(5000);

    // The default asks no unique amount where there is no room for one (a 1-fen test order) or of another
    // currency than yuan; a storefront that asks one explicitly still hears why not.
    const oneFen = await checkout({ amount: 1 });
    expect(oneFen.status, oneFen.text).toBe(201);
    expect(oneFen.json.payableAmount).toBe(1);
    const yen = await checkout({ amount: 1500, currency: "JPY" });
    expect(yen.status, yen.text).toBe(201);
    expect(yen.json.payableAmount).toBe(1500);
    const asked1 = await checkout({ amount: 1, uniqueAmount: true });
    expect(asked1.status).toBe(400);
    expect(asked1.json.error).toMatchObject({ code: "invalid_field", message: expect.stringContaining("uniqueAmount") });
    // Dollars asked explicitly take their own tails: an open yuan order's 4999 does not hold back 49.99 dollars.
    expect((await checkout({ currency: "USD", uniqueAmount: true })).json.payableAmount).toBe(4999);

    expect((await write({ orderTtlMinutes: 1440, uniqueAmount: false })).status).toBe(200);
    expect((await checkout()).json.payableAmount).toBe(5000);
    expect((await checkout({ uniqueAmount: true })).json.payableAmount).toBe(4998);
  });
});
