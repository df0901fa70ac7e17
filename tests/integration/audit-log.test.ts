// The merchant's audit trail as a list: newest first, filtered by area and actor, keyset-paged, the merchant's own only.
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { GET as auditRoute } from "@/app/api/v1/audit-events/route";
import { GET as verifyRoute } from "@/app/api/v1/audit-events/verify/route";
import { auditEvents, payments } from "@/lib/db/schema";
import { PUT as putCheckoutSettings } from "@/app/api/v1/settings/checkout/route";
import { bankMerchant, call, createOrder, importCmbStatement, payWithAlipay } from "../helpers/api";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
let m: Awaited<ReturnType<typeof bankMerchant>>;
let other: Awaited<ReturnType<typeof bankMerchant>>;
let paidOrder: { id: string; reference: string };
let otherOrder: { reference: string };

const list = (query = "", apiKey = m.apiKey) => call(auditRoute as unknown as H, { method: "GET", apiKey, path: `/api/v1/audit-events${query}` });
type Entry = { id: number; action: string; subjectType: string; actor: { type: string; label: string | null }; before: unknown; after: unknown };

beforeAll(async () => {
  m = await bankMerchant();
  other = await bankMerchant();
  paidOrder = await createOrder(m.apiKey, { orderNo: "AUDIT-1", amount: 1000 });
  await createOrder(m.apiKey, { orderNo: "AUDIT-2", amount: 2000 });
  expect((await payWithAlipay(m, paidOrder.reference, "10.00")).status).toBe(200);
  const put = await call(putCheckoutSettings as unknown as H, { method: "PUT", apiKey: m.apiKey, body: { orderTtlMinutes: 90, uniqueAmount: true } });
  expect(put.status).toBe(200);
  otherOrder = await createOrder(other.apiKey, { orderNo: "AUDIT-OTHER", amount: 3000 });
});

describe(`audit log (${process.env.TEST_DB})`, () => {
  it("lists the merchant's events newest first, each with its actor named and what changed", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    const data = res.json.data as Entry[];
    expect(data.map((e) => e.id)).toEqual([...data.map((e) => e.id)].sort((a, b) => b - a));
    expect(data[0]).toMatchObject({
      action: "checkout_settings.set",
      subjectType: "merchant",
      actor: { type: "api_key", label: expect.stringMatching(/…\)$/) },
      before: { orderTtlMinutes: 1440, uniqueAmount: false },
      after: { orderTtlMinutes: 90, uniqueAmount: true },
    });
    expect(data.filter((e) => e.action === "order.created")).toHaveLength(2);
    // Another merchant's events never show, and ours never show to them.
    const theirs = (await list("", other.apiKey)).json.data as Entry[];
    expect(theirs.some((e) => e.action === "checkout_settings.set")).toBe(false);
    expect(theirs.filter((e) => e.action === "order.created")).toHaveLength(1);
  });

  it("filters by area and by actor", async () => {
    const orders = (await list("?area=orders")).json.data as Entry[];
    expect(orders.length).toBeGreaterThanOrEqual(2);
    expect(new Set(orders.map((e) => e.subjectType))).toEqual(new Set(["order"]));
    const settings = (await list("?area=settings")).json.data as Entry[];
    expect(settings.map((e) => e.action)).toContain("checkout_settings.set");
    expect(settings.every((e) => ["merchant", "channel_account", "api_key"].includes(e.subjectType))).toBe(true);
    const byKey = (await list("?actor=api_key")).json.data as Entry[];
    expect(byKey.length).toBeGreaterThan(0);
    expect(byKey.every((e) => e.actor.type === "api_key")).toBe(true);
    expect((await list("?area=team&actor=channel")).json).toEqual({ data: [], nextCursor: null });
  });

  it("pages by cursor without gaps or repeats", async () => {
    const all = (await list("?limit=500")).json.data as Entry[];
    expect(all.length).toBeGreaterThan(3);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Entry[]; nextCursor: string | null } = (await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`)).json;
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it("finds the events about one order by its reference or order number, and a payment's by its transaction id", async () => {
    const subjects = async (q: string) => ((await list(`?q=${encodeURIComponent(q)}`)).json.data as (Entry & { subjectId: string })[]).map((e) => `${e.subjectType}:${e.action}`);
    const orderEvents = await subjects(paidOrder.reference);
    expect(orderEvents).toContain("order:order.created");
    expect(orderEvents).toContain("order:order.status_changed");
    expect(orderEvents.every((e) => e.startsWith("order:"))).toBe(true);
    // Typed in lower case with spaces, as a person copies it from a memo; or by the storefront's order number.
    expect(await subjects(paidOrder.reference.toLowerCase().replace(/(.{4})/g, "$1 "))).toEqual(orderEvents);
    expect(await subjects("AUDIT-1")).toEqual(orderEvents);
    const [payment] = await t.db().select().from(payments).where(eq(payments.reference, paidOrder.reference));
    const paymentEvents = await subjects(payment.channelTransactionId);
    expect(paymentEvents).toContain("payment:payment.recorded");
    expect(paymentEvents).toContain("payment:allocation.created");
    expect(paymentEvents.every((e) => e.startsWith("payment:"))).toBe(true);
    expect(await subjects(payment.id.toUpperCase())).toEqual(paymentEvents);
    // A bank line by its serial (流水号).
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "");
    const cmb = buildCsv(CMB_HEADER, [cmbCredit({ date: today, time: "00:00:01", credit: "20.00", serial: "AUDITSERIAL01", memo: "货款", payer: "李四", account: "6225880100000001" })]);
    expect((await importCmbStatement(m.apiKey, m.bankId, cmb)).status).toBe(200);
    const bankEvents = await subjects("AUDITSERIAL01");
    // (A statement records its lines with one statement event; what matching then did is the line's own.)
    expect(bankEvents.length).toBeGreaterThan(0);
    expect(bankEvents.every((e) => e.startsWith("payment:"))).toBe(true);
    // Nothing of another merchant's, and an unknown text finds nothing rather than everything.
    expect(await subjects(otherOrder.reference)).toEqual([]);
    expect(await subjects("AUDIT-OTHER")).toEqual([]);
    expect(await subjects("no such thing")).toEqual([]);
    // Combined with the other filters.
    expect(await subjects(`${paidOrder.reference}&area=payments`)).toEqual([]);
  });

  it("filters by date: the merchant's days in Asia/Shanghai, or exact times", async () => {
    const all = (await list("?limit=500")).json.data as (Entry & { createdAt: string })[];
    const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
    const day = shanghaiDay(all[0].createdAt);
    expect(((await list(`?from=${day}&to=${day}&limit=500`)).json.data as Entry[]).map((e) => e.id)).toEqual(all.filter((e) => shanghaiDay(e.createdAt) === day).map((e) => e.id));
    expect((await list("?to=2020-01-01")).json.data).toEqual([]);
    expect((await list("?from=2099-01-01")).json.data).toEqual([]);
    // An exact time splits the trail where it falls.
    const oldest = all.at(-1)!;
    const after = (await list(`?from=${encodeURIComponent(new Date(Date.parse(oldest.createdAt) + 1).toISOString())}&limit=500`)).json.data as (Entry & { createdAt: string })[];
    expect(after.map((e) => e.id)).toEqual(all.filter((e) => Date.parse(e.createdAt) > Date.parse(oldest.createdAt)).map((e) => e.id));
    const until = (await list(`?to=${encodeURIComponent(oldest.createdAt)}&limit=500`)).json.data as Entry[];
    expect(until).toEqual([]);
  });

  it.each([
    ["?from=2026-02-30", "from"],
    ["?to=yesterday", "to"],
    ["?area=nope", "area"],
    ["?actor=robot", "actor"],
    ["?cursor=abc", "cursor"],
    ["?cursor=0", "cursor"],
    ["?limit=0", "limit"],
  ])("%s is a 400 naming %s", async (query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(field);
  });

  it("verifies the chain: intact until a record is edited, then the record is named", async () => {
    const verify = async () => (await call(verifyRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/audit-events/verify" })).json;
    const before = await verify();
    const events = ((await list("?limit=500")).json.data as Entry[]).length;
    expect(before).toEqual({ intact: true, events, unchained: 0, oldestUnchainedAt: null, broken: null });
    const edited = ((await list("?area=orders")).json.data as Entry[]).at(-1)!;
    await t.db().update(auditEvents).set({ after: { amount: 1 } }).where(eq(auditEvents.id, edited.id));
    expect(await verify()).toMatchObject({ intact: false, broken: { eventId: edited.id, reason: "hash_mismatch" } });
    // Another merchant's chain is untouched by it.
    expect((await call(verifyRoute as unknown as H, { method: "GET", apiKey: other.apiKey, path: "/api/v1/audit-events/verify" })).json).toMatchObject({ intact: true });
  });
});
