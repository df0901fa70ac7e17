// Manual decisions through the real routes: what a person's match teaches about the payer is taken back when
// the match is, a confirmed suggestion settles its order as the engine would, a stale suggestion does not stay
// offered, and bulk confirm never reopens a closed order.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { POST as bulkConfirmRoute } from "@/app/api/app/payments/bulk-confirm/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as confirmRoute } from "@/app/api/v1/payments/[paymentId]/confirm/route";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { POST as rejectRoute } from "@/app/api/v1/payments/[paymentId]/reject/route";
import { GET as getPayment } from "@/app/api/v1/payments/[paymentId]/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { auditEvents, orders, payerAliases, payments, users } from "@/lib/db/schema";
import { matchPayment } from "@/lib/services/match-payment";
import { recordPayment } from "@/lib/services/payments";
import { sweepPayments } from "@/lib/services/recovery";
import { replaceToleranceRules, toleranceRuleSchema } from "@/lib/services/tolerance-rules";
import { bankCredit as recordBankCredit } from "../helpers/bank-credit";
import { BASE, bankMerchant, call, createOrder } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

// The web app's bulk confirm reads the signed-in user from the session: here, the owner of the merchant under test.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; merchantId: string; passwordStamp: string; signedInAt: number } } }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;

type M = Awaited<ReturnType<typeof bankMerchant>>;

let m: M;
beforeAll(async () => {
  m = await bankMerchant();
  const [owner] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
  session.current = { user: { id: owner.id, merchantId: m.merchantId, passwordStamp: passwordStamp(owner.passwordHash), signedInAt: Math.floor(Date.now() / 1000) } };
});

const bankCredit = (merchant: M, p: Parameters<typeof recordBankCredit>[2]) => recordBankCredit(t.db(), merchant, p);
const view = async (paymentId: string) => (await call(h(getPayment), { method: "GET", apiKey: m.apiKey, params: { paymentId } })).json;
const orderView = async (reference: string) => (await call(h(getOrder), { method: "GET", apiKey: m.apiKey, params: { reference } })).json;
const post = (route: unknown, paymentId: string, body?: unknown) => call(h(route), { apiKey: m.apiKey, params: { paymentId }, body });
const aliasesOf = async (merchant: M) => t.db().select().from(payerAliases).where(eq(payerAliases.merchantId, merchant.merchantId));
const auditOf = async (paymentId: string, action: string) =>
  t.db().select().from(auditEvents).where(and(eq(auditEvents.subjectId, paymentId), eq(auditEvents.action, action)));
const bulkConfirm = (paymentIds: string[]) =>
  call(h(bulkConfirmRoute), { path: "/api/app/payments/bulk-confirm", body: { paymentIds }, headers: { origin: BASE, "sec-fetch-site": "same-origin" } });

/** The one merchant's bank tolerance: a bank fee of up to ¥2.00 taken from a transfer settles the order. */
const bankFeeRule = (merchant: M) =>
  replaceToleranceRules(t.db(), {
    merchantId: merchant.merchantId,
    actor: { type: "user", id: null },
    rules: [toleranceRuleSchema.parse({ name: "银行手续费", channels: ["bank"], maxShortfallFen: 200, cause: "bank_fee" })],
  });

describe(`payer aliases follow the decisions that taught them (${process.env.TEST_DB})`, () => {
  it("a wrong match by hand, undone, forgets the alias it taught: the company's next transfer is not matched to that customer", async () => {
    const mm = await bankMerchant();
    const wrong = await createOrder(mm.apiKey, { amount: 3000, customer: { name: "孙七" } });
    const p1 = await bankCredit(mm, { amount: 3000, payerName: "上海恒达贸易有限公司", payerAccount: "6222000099998888" });
    expect(await matchPayment(t.db(), { paymentId: p1.id })).not.toBe("matched");
    const matched = await call(h(matchRoute), { apiKey: mm.apiKey, params: { paymentId: p1.id }, body: { allocations: [{ reference: wrong.reference, amount: 3000 }] } });
    expect(matched.status).toBe(200);
    expect((await aliasesOf(mm)).map((a) => a.customerName)).toEqual(["孙七", "孙七"]);

    const undone = await call(h(unmatchRoute), { apiKey: mm.apiKey, params: { paymentId: p1.id } });
    expect(undone.status).toBe(200);
    expect(undone.json.status).toBe("unmatched");
    expect(await aliasesOf(mm)).toEqual([]);
    // Audited with the unmatch that withdrew it, by the same actor, in the same transaction.
    const [event] = await auditOf(p1.id, "payment.unmatched");
    expect(event.after).toMatchObject({ payerAliasesForgotten: [{ customerName: "孙七", keys: 2 }] });
    expect(event.actorType).toBe("api_key");

    const next = await createOrder(mm.apiKey, { amount: 4500, customer: { name: "孙七" } });
    const p2 = await bankCredit(mm, { amount: 4500, payerName: "上海恒达贸易有限公司", payerAccount: "6222000099998888" });
    expect(await matchPayment(t.db(), { paymentId: p2.id })).not.toBe("matched");
    const v2 = (await call(h(getPayment), { method: "GET", apiKey: mm.apiKey, params: { paymentId: p2.id } })).json;
    expect(v2.explanation).not.toContain("confirmed before");
    expect((await call(h(getOrder), { method: "GET", apiKey: mm.apiKey, params: { reference: next.reference } })).json.status).toBe("pending");
  });

  it("a transfer through a payment institution (财付通) matched by hand teaches nothing: another customer's transfer through it is not matched to this one", async () => {
    const mm = await bankMerchant();
    const first = await createOrder(mm.apiKey, { amount: 5900, customer: { name: "周八" } });
    const p1 = await bankCredit(mm, { amount: 5900, payerName: "财付通支付科技有限公司", payerAccount: "243300133", memo: "转账" });
    await matchPayment(t.db(), { paymentId: p1.id });
    const matched = await call(h(matchRoute), { apiKey: mm.apiKey, params: { paymentId: p1.id }, body: { allocations: [{ reference: first.reference, amount: 5900 }] } });
    expect(matched.status).toBe(200);
    expect(matched.json.status).toBe("matched");
    expect(await aliasesOf(mm)).toEqual([]);
    expect(await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, mm.merchantId), eq(auditEvents.action, "payer_alias.learned")))).toEqual([]);

    const next = await createOrder(mm.apiKey, { amount: 8800, customer: { name: "周八" } });
    const p2 = await bankCredit(mm, { amount: 8800, payerName: "财付通支付科技有限公司", payerAccount: "999988887777", memo: "转账" });
    expect(await matchPayment(t.db(), { paymentId: p2.id })).not.toBe("matched");
    expect((await call(h(getOrder), { method: "GET", apiKey: mm.apiKey, params: { reference: next.reference } })).json.status).toBe("pending");
  });

  it("rejecting the suggestions only an alias made forgets the alias; a match to the right customer teaches again", async () => {
    const mm = await bankMerchant();
    const taught = await createOrder(mm.apiKey, { amount: 3000, customer: { name: "孙七" } });
    const p1 = await bankCredit(mm, { amount: 3000, payerName: "上海恒达贸易有限公司", payerAccount: "6222000077776666" });
    await matchPayment(t.db(), { paymentId: p1.id });
    expect((await call(h(matchRoute), { apiKey: mm.apiKey, params: { paymentId: p1.id }, body: { allocations: [{ reference: taught.reference, amount: 3000 }] } })).status).toBe(200);
    expect(await aliasesOf(mm)).toHaveLength(2);

    // Two open orders of 孙七 of the amount: the alias offers both, neither is chosen.
    const twins = [await createOrder(mm.apiKey, { amount: 4500, customer: { name: "孙七" } }), await createOrder(mm.apiKey, { amount: 4500, customer: { name: "孙七" } })];
    const p2 = await bankCredit(mm, { amount: 4500, payerName: "上海恒达贸易有限公司", payerAccount: "6222000077776666" });
    expect(await matchPayment(t.db(), { paymentId: p2.id })).toBe("suggested");
    const suggested = (await call(h(getPayment), { method: "GET", apiKey: mm.apiKey, params: { paymentId: p2.id } })).json;
    expect(suggested.suggestions.map((s: { references: string[] }) => s.references[0]).sort()).toEqual(twins.map((o) => o.reference).sort());

    const rejected = await call(h(rejectRoute), { apiKey: mm.apiKey, params: { paymentId: p2.id } });
    expect(rejected.status).toBe(200);
    expect(await aliasesOf(mm)).toEqual([]);
    const [event] = await auditOf(p2.id, "payment.suggestions_rejected");
    expect(event.after).toMatchObject({ status: "unmatched", payerAliasesForgotten: [{ customerName: "孙七", keys: 2 }] });

    // The person matches it where it belongs: that customer is learned instead.
    const right = await createOrder(mm.apiKey, { amount: 4500, customer: { name: "恒达贸易" } });
    expect((await call(h(matchRoute), { apiKey: mm.apiKey, params: { paymentId: p2.id }, body: { allocations: [{ reference: right.reference, amount: 4500 }] } })).status).toBe(200);
    expect((await aliasesOf(mm)).map((a) => a.customerName)).toEqual(["恒达贸易", "恒达贸易"]);
  });
});

describe(`confirming a suggestion settles the order as the engine would (${process.env.TEST_DB})`, () => {
  it("an amount within a tolerance rule: the order is paid, the fee written off by the rule, no amount mismatch", async () => {
    const mm = await bankMerchant();
    await bankFeeRule(mm);
    const o = await createOrder(mm.apiKey, { amount: 5900, customer: { name: "周八" } });
    await createOrder(mm.apiKey, { amount: 5900, customer: { name: "周八" } });
    const p = await bankCredit(mm, { amount: 5880, payerName: "周八", payerAccount: "6222000011112222" });
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("suggested");
    const suggested = (await call(h(getPayment), { method: "GET", apiKey: mm.apiKey, params: { paymentId: p.id } })).json;
    const index = suggested.suggestions.findIndex((s: { references: string[] }) => s.references[0] === o.reference);
    expect(suggested.suggestions[index]).toMatchObject({ method: "amount_payer", allocations: [{ reference: o.reference, amount: 5880 }] });

    const confirmed = await call(h(confirmRoute), { apiKey: mm.apiKey, params: { paymentId: p.id }, body: { index } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ status: "matched", matchMethod: "manual", allocations: [{ reference: o.reference, amount: 5880 }] });
    const order = (await call(h(getOrder), { method: "GET", apiKey: mm.apiKey, params: { reference: o.reference } })).json;
    expect(order).toMatchObject({ status: "paid", paidAmount: 5880, writtenOffAmount: 20 });
    expect(order.writeOffs).toEqual([expect.objectContaining({ paymentId: p.id, amount: 20, cause: "bank_fee", source: "rule", rule: "银行手续费" })]);
    expect(confirmed.json.explanation).toContain("written off");
    const [row] = await t.db().select().from(orders).where(eq(orders.reference, o.reference));
    expect(row.writtenOffAmount).toBe(20);
    const [payment] = await t.db().select().from(payments).where(eq(payments.id, p.id));
    expect(payment.details.amountMismatch).toBeUndefined();
  });

  it("a mistyped reference (typo_reference) within a tolerance rule: confirmed, the order is paid with the fee written off", async () => {
    const mm = await bankMerchant();
    await bankFeeRule(mm);
    const o = await createOrder(mm.apiKey, { amount: 5900, customer: { name: "周八" } });
    const typo = `${o.reference.slice(0, 3)}${o.reference[3] === "Z" ? "Y" : "Z"}${o.reference.slice(4)}`;
    // Another name than the customer's: a repaired reference is then only suggested.
    const p = await bankCredit(mm, { amount: 5880, payerName: "周八妈妈", memo: `货款${typo}` });
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("suggested");
    const suggested = (await call(h(getPayment), { method: "GET", apiKey: mm.apiKey, params: { paymentId: p.id } })).json;
    expect(suggested.suggestions[0]).toMatchObject({ method: "typo_reference", references: [o.reference] });

    const confirmed = await call(h(confirmRoute), { apiKey: mm.apiKey, params: { paymentId: p.id }, body: {} });
    expect(confirmed.status).toBe(200);
    const order = (await call(h(getOrder), { method: "GET", apiKey: mm.apiKey, params: { reference: o.reference } })).json;
    expect(order).toMatchObject({ status: "paid", paidAmount: 5880, writtenOffAmount: 20 });
    expect(order.writeOffs).toEqual([expect.objectContaining({ cause: "bank_fee", source: "rule", rule: "银行手续费" })]);
  });

  it("a bank fee the statement states (instructed amount less charges): confirmed, written off as the channel stated it", async () => {
    const mm = await bankMerchant();
    const o = await createOrder(mm.apiKey, { amount: 5900, customer: { name: "周八" } });
    await createOrder(mm.apiKey, { amount: 5900, customer: { name: "周八" } });
    const { payment: p } = await recordPayment(t.db(), {
      merchantId: mm.merchantId,
      channelAccountId: mm.bankId,
      origin: "statement",
      event: {
        kind: "payment",
        channel: "bank",
        channelTransactionId: `CAMT${Date.now()}`,
        reference: null,
        amount: 5885,
        currency: "CNY",
        receivedAt: new Date().toISOString(),
        payerName: "周八",
        payerAccount: "6222000044445555",
        memo: "货款",
        merchantAccountId: null,
        sellerId: null,
        details: { instructedAmount: 5900, bankCharges: 15 },
      },
    });
    expect(await matchPayment(t.db(), { paymentId: p.id })).toBe("suggested");
    const suggested = (await call(h(getPayment), { method: "GET", apiKey: mm.apiKey, params: { paymentId: p.id } })).json;
    const index = suggested.suggestions.findIndex((s: { references: string[] }) => s.references[0] === o.reference);
    expect(index).toBeGreaterThanOrEqual(0);

    expect((await call(h(confirmRoute), { apiKey: mm.apiKey, params: { paymentId: p.id }, body: { index } })).status).toBe(200);
    const order = (await call(h(getOrder), { method: "GET", apiKey: mm.apiKey, params: { reference: o.reference } })).json;
    expect(order).toMatchObject({ status: "paid", paidAmount: 5885, writtenOffAmount: 15 });
    expect(order.writeOffs).toEqual([expect.objectContaining({ amount: 15, cause: "bank_fee", source: "channel" })]);
  });
});

describe(`a suggestion that went stale, and bulk confirm of a closed order (${process.env.TEST_DB})`, () => {
  it("confirming a suggestion whose order was paid since is 409 suggestion_stale, and the payment no longer offers that order", async () => {
    const o = await createOrder(m.apiKey, { amount: 6100, customer: { name: "周九" } });
    const p1 = await bankCredit(m, { amount: 6100, payerName: "周九妈妈", payerAccount: "6222000011113333" });
    expect(await matchPayment(t.db(), { paymentId: p1.id })).toBe("suggested");
    const p2 = await bankCredit(m, { amount: 6100, memo: o.reference, payerName: "周九" });
    expect(await matchPayment(t.db(), { paymentId: p2.id })).toBe("matched");
    // The sweep only looks at payments never checked: it does not decide this one again.
    await sweepPayments(t.db());
    expect((await view(p1.id)).suggestions?.[0]?.references).toEqual([o.reference]);

    const stale = await post(confirmRoute, p1.id, {});
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe("suggestion_stale");
    const after = await view(p1.id);
    expect(after.status).not.toBe("matched");
    expect((after.suggestions ?? []).flatMap((s: { references: string[] }) => s.references)).not.toContain(o.reference);
    expect((await orderView(o.reference)).paidAmount).toBe(6100);
    // Not a person's decision: matching may still decide the payment later.
    expect(await matchPayment(t.db(), { paymentId: p1.id })).not.toBe("already_decided");
  });

  it("bulk confirm fails a suggestion whose order closed meanwhile (order_closed) and leaves the order closed; the rest are confirmed", async () => {
    const closing = await createOrder(m.apiKey, { amount: 6200, customer: { name: "郑十" }, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const open = await createOrder(m.apiKey, { amount: 6300, customer: { name: "吴十一" } });
    const p1 = await bankCredit(m, { amount: 6200, payerName: "郑十妈妈", payerAccount: "6222000011114444" });
    const p2 = await bankCredit(m, { amount: 6300, payerName: "吴十一爸爸", payerAccount: "6222000011115555" });
    expect(await matchPayment(t.db(), { paymentId: p1.id })).toBe("suggested");
    expect(await matchPayment(t.db(), { paymentId: p2.id })).toBe("suggested");
    // The order expires after the list was loaded (its suggestion still named it open).
    await sweepPayments(t.db(), new Date(Date.now() + 120_000));
    expect((await orderView(closing.reference)).status).toBe("closed");

    const res = await bulkConfirm([p1.id, p2.id]);
    expect(res.status).toBe(200);
    expect(res.json.results.map((r: { paymentId: string; outcome: string; error?: { code: string } }) => [r.paymentId, r.outcome, r.error?.code ?? null])).toEqual([
      [p1.id, "failed", "order_closed"],
      [p2.id, "confirmed", null],
    ]);
    expect(typeof res.json.results[0].error.message).toBe("string");
    expect((await orderView(closing.reference)).status).toBe("closed");
    expect((await view(p1.id)).status).toBe("suggested");
    expect((await orderView(open.reference)).status).toBe("paid");

    // On the payment's page, asked twice, the same suggestion is confirmed and reopens (pays) the order.
    const single = await post(confirmRoute, p1.id, {});
    expect(single.status).toBe(200);
    expect((await orderView(closing.reference)).status).toBe("paid");
  });
});
