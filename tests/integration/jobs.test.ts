import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InngestTestEngine } from "@inngest/test";
import { eq, sql } from "drizzle-orm";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { matchPaymentFn } from "@/lib/jobs/functions/match-payment";
import { sweepPaymentsFn } from "@/lib/jobs/functions/sweep-payments";
import { readConfig } from "@/lib/config/env";
import { payments } from "@/lib/db/schema";
import { recordPayment } from "@/lib/services/payments";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];

/** A payment recorded but never matched: what a crash between the two steps leaves behind. */
async function strandedPayment(m: Awaited<ReturnType<typeof merchantWithAlipay>>, reference: string, amount: number) {
  const { payment } = await recordPayment(t.db(), {
    merchantId: m.merchantId,
    channelAccountId: m.accountId,
    origin: "notify",
    event: {
      kind: "payment",
      channel: "alipay",
      channelTransactionId: `2026${Math.random().toString().slice(2, 20)}`,
      reference,
      amount,
      currency: "CNY",
      receivedAt: new Date().toISOString(),
      payerName: null,
      payerAccount: null,
      memo: null,
      merchantAccountId: m.appId,
      sellerId: null,
      details: {},
    },
  });
  return payment;
}

const orderStatus = async (apiKey: string, reference: string) =>
  (await call(getOrder as unknown as H, { method: "GET", apiKey, params: { reference } })).json.status;

describe(`jobs (${process.env.TEST_DB})`, () => {
  it("the match-payment Inngest function matches a recorded payment, and running it again changes nothing", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 4200 });
    const payment = await strandedPayment(m, order.reference, 4200);
    expect(await orderStatus(m.apiKey, order.reference)).toBe("pending");
    const events = [{ name: "payments/payment.recorded", data: { paymentId: payment.id } }] as [{ name: string; data: { paymentId: string } }];
    const first = await new InngestTestEngine({ function: matchPaymentFn }).execute({ events });
    expect(first.error).toBeUndefined();
    expect(first.result).toBe("matched");
    expect(await orderStatus(m.apiKey, order.reference)).toBe("paid");
    const second = await new InngestTestEngine({ function: matchPaymentFn }).execute({ events });
    expect(second.result).toBe("already_decided");
    const [row] = await t.db().select().from(payments).where(eq(payments.id, payment.id));
    expect(row).toMatchObject({ status: "matched", allocatedAmount: 4200 });
  });

  it("the sweep picks up payments a crash left unmatched", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 990 });
    await strandedPayment(m, order.reference, 990);
    const run = await new InngestTestEngine({ function: sweepPaymentsFn }).execute();
    expect(run.error).toBeUndefined();
    expect((run.result as { matched: number }).matched).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(m.apiKey, order.reference)).toBe("paid");
    const again = await new InngestTestEngine({ function: sweepPaymentsFn }).execute();
    expect((again.result as { checked: number }).checked).toBe(0);
  });
});

describe(`order expiry (${process.env.TEST_DB})`, () => {
  it("the sweep closes expired pending orders; a late payment is still recorded and matched", async () => {
    const { sweepPayments } = await import("@/lib/services/recovery");
    const { matchPayment } = await import("@/lib/services/match-payment");
    const m = await merchantWithAlipay();
    const soon = new Date(Date.now() + 60_000).toISOString();
    const order = await createOrder(m.apiKey, { amount: 700, expiresAt: soon });
    const open = await createOrder(m.apiKey, { amount: 700 });
    // Expired too, but already partly paid: it stays open for the rest of its money.
    const partly = await createOrder(m.apiKey, { amount: 700, expiresAt: soon });
    await t.db().execute(sql`update orders set status = 'partially_paid' where reference = ${partly.reference}`);
    const result = await sweepPayments(t.db(), new Date(Date.now() + 120_000));
    expect(result.closed).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(m.apiKey, order.reference)).toBe("closed");
    expect(await orderStatus(m.apiKey, open.reference)).toBe("pending");
    expect(await orderStatus(m.apiKey, partly.reference)).toBe("partially_paid");
    expect(await sweepPayments(t.db(), new Date(Date.now() + 120_000))).toMatchObject({ closed: 0 });
    const late = await strandedPayment(m, order.reference, 700);
    expect(await matchPayment(t.db(), { paymentId: late.id })).toBe("matched");
    expect(await orderStatus(m.apiKey, order.reference)).toBe("paid");
  });
});

describe(`report files past keeping (${process.env.TEST_DB})`, () => {
  it("the Inngest sweep removes a week-old report and a crashed build's leftovers, keeps the recent and what is not a job's", async () => {
    const root = readConfig().reportsDir;
    const merchantDir = path.join(root, crypto.randomUUID());
    fs.mkdirSync(merchantDir, { recursive: true });
    const write = (name: string, ageMs: number) => {
      const file = path.join(merchantDir, name);
      fs.writeFileSync(file, "x");
      const at = new Date(Date.now() - ageMs);
      fs.utimesSync(file, at, at);
      return file;
    };
    const day = 86_400_000;
    const old = write(`${crypto.randomUUID()}.report.xlsx`, 8 * day);
    const leftover = write(`${crypto.randomUUID()}.report.xlsx.part`, 2 * day);
    const recent = write(`${crypto.randomUUID()}.report.xlsx`, 2 * day);
    const building = write(`${crypto.randomUUID()}.report.xlsx.part`, 60_000);
    const notOurs = path.join(root, `notes-${crypto.randomUUID()}.txt`);
    fs.writeFileSync(notOurs, "kept");
    fs.utimesSync(notOurs, new Date(Date.now() - 30 * day), new Date(Date.now() - 30 * day));

    const run = await new InngestTestEngine({ function: sweepPaymentsFn }).execute();
    expect(run.error).toBeUndefined();
    expect((run.result as { reportFilesRemoved: number }).reportFilesRemoved).toBeGreaterThanOrEqual(2);
    expect([old, leftover].map((f) => fs.existsSync(f))).toEqual([false, false]);
    expect([recent, building, notOurs].map((f) => fs.existsSync(f))).toEqual([true, true, true]);
    fs.rmSync(merchantDir, { recursive: true, force: true });
    fs.rmSync(notOurs, { force: true });
  });
});
