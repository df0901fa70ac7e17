import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { PaymentEvent } from "@/lib/core/channels/types";
import { zonedDates, zonedDayStart } from "@/lib/core/time";
import { rowsOf, type Db } from "@/lib/db/client";
import { channelAccounts, merchants, payments, refunds } from "@/lib/db/schema";
import { getBoard, BOARD_PERIODS } from "@/lib/services/board";
import { matchManually, unmatchManually } from "@/lib/services/manual-match";
import { matchPayment } from "@/lib/services/match-payment";
import { recordPayment } from "@/lib/services/payments";
import { recordRefund } from "@/lib/services/refunds";
import { CMB_HEADER, buildCsv, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, createOrder, importCmbStatement } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
const SLOT = sql.raw(`date_bin('15 minutes', received_at, timestamptz '2000-01-01 00:00:00+00')`);

type Merchant = Awaited<ReturnType<typeof bankMerchant>>;

let serial = 0;
const event = (m: Merchant, amount: number, receivedAt: string, reference: string | null = null): PaymentEvent => ({
  kind: "payment", channel: "alipay", channelTransactionId: `20261125${String(++serial).padStart(16, "0")}`, reference,
  amount, currency: "CNY", receivedAt, payerName: null, payerAccount: null, memo: null, merchantAccountId: m.appId, sellerId: null, details: {},
});
const pay = async (m: Merchant, amount: number, receivedAt: string, reference: string | null = null) =>
  (await recordPayment(t.db(), { merchantId: m.merchantId, channelAccountId: m.accountId, origin: "notify", event: event(m, amount, receivedAt, reference) })).payment;

/** The trigger-kept totals summed over stripes, and the same figures aggregated straight from payments: they must be equal. */
async function totalsAndTruth(db: Db, merchantId: string) {
  const kept = rowsOf<Record<string, string>>(
    await db.execute(sql`
      select extract(epoch from slot_start)::bigint::text as slot, channel::text, currency, status::text,
             sum(count)::text as count, sum(gross_amount)::text as gross, sum(refunded_amount)::text as refunded
      from payment_slot_totals where merchant_id = ${merchantId}::uuid
      group by 1, 2, 3, 4 having sum(count) <> 0 or sum(gross_amount) <> 0 or sum(refunded_amount) <> 0
      order by 1, 2, 3, 4`),
  );
  const truth = rowsOf<Record<string, string>>(
    await db.execute(sql`
      select extract(epoch from ${SLOT})::bigint::text as slot, channel::text, currency, status::text,
             count(*)::text as count, sum(amount)::text as gross, sum(refunded_amount)::text as refunded
      from payments where merchant_id = ${merchantId}::uuid
      group by 1, 2, 3, 4 order by 1, 2, 3, 4`),
  );
  return { kept, truth };
}

/** The trigger-kept refund totals and the same figures aggregated straight from refunds: equal, as for payments. */
async function expectRefundsExact(merchantId: string) {
  const kept = rowsOf<Record<string, string>>(
    await t.db().execute(sql`
      select extract(epoch from slot_start)::bigint::text as slot, channel::text, currency, sum(amount)::text as amount
      from refund_slot_totals where merchant_id = ${merchantId}::uuid
      group by 1, 2, 3 having sum(amount) <> 0 order by 1, 2, 3`),
  );
  const truth = rowsOf<Record<string, string>>(
    await t.db().execute(sql`
      select extract(epoch from date_bin('15 minutes', r.refunded_at, timestamptz '2000-01-01 00:00:00+00'))::bigint::text as slot,
             p.channel::text, p.currency, sum(r.amount)::text as amount
      from refunds r join payments p on p.id = r.payment_id where r.merchant_id = ${merchantId}::uuid
      group by 1, 2, 3 order by 1, 2, 3`),
  );
  expect(kept).toEqual(truth);
  return truth;
}

async function expectExact(merchantId: string) {
  const { kept, truth } = await totalsAndTruth(t.db(), merchantId);
  expect(kept).toEqual(truth);
  return truth;
}

async function upload(m: Merchant, csv: string) {
  expect((await importCmbStatement(m.apiKey, m.bankId, csv)).status).toBe(200);
}

describe(`payment slot totals kept by triggers (${process.env.TEST_DB})`, () => {
  it("equal a direct aggregate of payments after every kind of write", async () => {
    const m = await bankMerchant();
    const actor = { type: "user" as const, id: null };
    const now = new Date();
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000).toISOString();

    // One notify.
    const order = await createOrder(m.apiKey, { amount: 12_800 });
    const first = await pay(m, 12_800, at(5), order.reference);
    expect(await expectExact(m.merchantId)).toHaveLength(1);

    // Status change by the engine: unmatched → matched.
    await matchPayment(t.db(), { paymentId: first.id });
    expect((await t.db().select().from(payments).where(eq(payments.id, first.id)))[0].status).toBe("matched");
    await expectExact(m.merchantId);

    // A person's unmatch and match.
    await unmatchManually(t.db(), { merchantId: m.merchantId, paymentId: first.id, actor, now });
    await expectExact(m.merchantId);
    await matchManually(t.db(), { merchantId: m.merchantId, paymentId: first.id, actor, now, allocations: [{ reference: order.reference, amount: 12_800 }] });
    await expectExact(m.merchantId);

    // A refund raises refunded_amount.
    const [locked] = await t.db().select().from(payments).where(eq(payments.id, first.id));
    const refund = await t.db().transaction((tx) =>
      recordRefund(tx, {
        payment: locked,
        now,
        event: {
          kind: "refund", channel: "alipay", channelTransactionId: locked.channelTransactionId, channelRefundId: "R1", reference: null,
          cumulativeRefundedAmount: null, amount: 800, refundedAt: now.toISOString(), closesPayment: false, details: {},
        },
      }),
    );
    expect(refund.kind).toBe("recorded");
    const refunded = (await expectExact(m.merchantId)).find((r) => r.status === "matched");
    expect(refunded?.refunded).toBe("800");
    expect((await expectRefundsExact(m.merchantId)).map((r) => r.amount)).toEqual(["800"]);
    // Moved in time (a corrected date) and taken back: the refund totals follow.
    await t.db().execute(sql`update refunds set refunded_at = refunded_at - interval '1 hour' where merchant_id = ${m.merchantId}::uuid`);
    await expectRefundsExact(m.merchantId);

    // A statement import: the set-based insert and the bulk match of its certain lines.
    const bankOrders = await Promise.all([9_900, 100].map((amount) => createOrder(m.apiKey, { amount, channel: "bank" })));
    const line = (fen: number, memo: string, time: string) =>
      cmbCredit({ date: "20261124", time, credit: (fen / 100).toFixed(2), serial: `S${++serial}`, memo, payer: "张三", account: "6225880123456789" });
    await upload(m, buildCsv(CMB_HEADER, [
      line(9_900, `货款${bankOrders[0].reference}`, "10:00:00"),
      line(100, bankOrders[1].reference, "10:14:59"),
      line(5_000, "不是我们的", "10:15:00"),
      line(7_000, "也不是", "23:59:59"),
    ]));
    const truth = await expectExact(m.merchantId);
    expect(truth.filter((r) => r.channel === "bank").reduce((s, r) => s + Number(r.count), 0)).toBe(4);

    // A multi-row insert and a set-based one in a single statement each.
    await t.db().insert(payments).values(
      [1, 2, 3].map((i) => ({
        merchantId: m.merchantId, channelAccountId: m.accountId, channel: "alipay" as const, origin: "manual" as const,
        channelTransactionId: `MULTI-${i}`, dedupeKey: `MULTI-${i}`, amount: 1_000 * i, receivedAt: new Date(at(60 * i)), status: "unmatched" as const,
      })),
    );
    await expectExact(m.merchantId);
    await t.db().execute(sql`
      insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at, status, refunded_amount, currency)
      select ${m.merchantId}::uuid, ${m.accountId}::uuid, 'alipay', 'manual', 'SET-' || i, 'SET-' || i, 100 + i, now() - i * interval '7 minutes',
             (array['unmatched', 'matched', 'suggested'])[1 + i % 3]::payment_status, i % 2, (array['CNY', 'USD'])[1 + i % 2]
      from generate_series(1, 200) as i`);
    await expectExact(m.merchantId);

    // Ignore, a channel change, a received_at change (across slots) and an amount change, each in one statement over many rows.
    await t.db().execute(sql`update payments set status = 'ignored' where merchant_id = ${m.merchantId}::uuid and dedupe_key like 'SET-%' and amount % 5 = 0`);
    await expectExact(m.merchantId);
    await t.db().execute(sql`update payments set channel = 'wechatpay' where merchant_id = ${m.merchantId}::uuid and dedupe_key like 'SET-%' and amount % 7 = 0`);
    await expectExact(m.merchantId);
    await t.db().execute(sql`update payments set received_at = received_at - interval '8 minutes', amount = amount + 1 where merchant_id = ${m.merchantId}::uuid and dedupe_key like 'SET-%' and amount % 3 = 0`);
    await expectExact(m.merchantId);
    await t.db().execute(sql`update payments set currency = 'EUR' where merchant_id = ${m.merchantId}::uuid and dedupe_key like 'SET-%' and amount % 11 = 0`);
    expect((await expectExact(m.merchantId)).map((r) => r.currency)).toEqual(expect.arrayContaining(["CNY", "USD", "EUR"]));
    // An update touching none of the totals' columns leaves them as they were.
    await t.db().execute(sql`update payments set memo = 'touched' where merchant_id = ${m.merchantId}::uuid`);
    await expectExact(m.merchantId);

    // Deletes: one row, then many.
    await t.db().delete(payments).where(eq(payments.dedupeKey, "MULTI-1"));
    await expectExact(m.merchantId);
    await t.db().execute(sql`delete from payments where merchant_id = ${m.merchantId}::uuid and dedupe_key like 'SET-%' and amount % 2 = 0`);
    await expectExact(m.merchantId);
  });

  it("go with their merchant when it is deleted, after its payments", async () => {
    const [m] = await t.db().insert(merchants).values({ name: "删除测试" }).returning();
    const [account] = await t.db().insert(channelAccounts).values({ merchantId: m.id, channel: "bank", name: "bank", credentialsEnc: "x" }).returning();
    await t.db().execute(sql`
      insert into payments (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, amount, received_at)
      select ${m.id}::uuid, ${account.id}::uuid, 'bank', 'manual', 'DEL-' || i, 'DEL-' || i, 100, now() - i * interval '1 hour'
      from generate_series(1, 50) as i`);
    await expectExact(m.id);
    await t.db().delete(payments).where(eq(payments.merchantId, m.id));
    expect(await expectExact(m.id)).toEqual([]);
    await t.db().delete(channelAccounts).where(eq(channelAccounts.id, account.id));
    await t.db().delete(merchants).where(eq(merchants.id, m.id));
    const left = rowsOf(await t.db().execute(sql`select 1 from payment_slot_totals where merchant_id = ${m.id}::uuid`));
    expect(left).toEqual([]);
  });

  it("stay exact under parallel ingest and matching for one merchant, without deadlocks", async () => {
    const m = await bankMerchant();
    const orders = await Promise.all(Array.from({ length: 10 }, () => createOrder(m.apiKey, { amount: 500 })));
    // All in the same 15-minute slot and channel: the hottest rows there are.
    const at = new Date(Math.floor(Date.now() / 900_000) * 900_000 + 60_000).toISOString();
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const payment = await pay(m, 500, at, i < orders.length ? orders[i].reference : null);
        await matchPayment(t.db(), { paymentId: payment.id });
      }),
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.db().transaction(async (tx) => {
          await tx.insert(payments).values({
            merchantId: m.merchantId, channelAccountId: m.accountId, channel: "alipay", origin: "manual",
            channelTransactionId: `TX-${i}`, dedupeKey: `TX-${i}`, amount: 300, receivedAt: new Date(at), status: "unmatched",
          });
          await tx.update(payments).set({ status: "ignored" }).where(eq(payments.dedupeKey, `TX-${i}`));
        }),
      ),
    );
    const truth = await expectExact(m.merchantId);
    expect(truth.reduce((s, r) => s + Number(r.count), 0)).toBe(60);
    expect(truth.find((r) => r.status === "matched")?.count).toBe("10");
  });
});

/** The board's figures straight from payments (its former 30-day scan), to hold the slot-based board to. */
async function boardFromPayments(db: Db, merchantId: string, timeZone: string, now: Date) {
  const dates = zonedDates(now, timeZone, 30);
  const rows = rowsOf<{ day: string; channel: string; status: string; count: string; gross: string; refunded: string }>(
    await db.execute(sql`
      select to_char(received_at at time zone ${timeZone}, 'YYYY-MM-DD') as day, channel::text, status::text,
             count(*)::text as count, sum(amount)::text as gross, sum(refunded_amount)::text as refunded
      from payments where merchant_id = ${merchantId}::uuid and received_at >= ${zonedDayStart(dates[0], timeZone).toISOString()}::timestamptz
      group by 1, 2, 3`),
  );
  const periods = Object.fromEntries(
    BOARD_PERIODS.map((period) => {
      const first = dates[dates.length - { today: 1, "7d": 7, "30d": 30 }[period]];
      const inPeriod = rows.filter((r) => r.day >= first);
      const channels = [...new Set(inPeriod.map((r) => r.channel))].sort().map((channel) => {
        const of = inPeriod.filter((r) => r.channel === channel);
        const sum = (k: "count" | "gross" | "refunded") => of.reduce((s, r) => s + Number(r[k]), 0);
        return { channel, count: sum("count"), grossAmount: sum("gross"), refundedAmount: sum("refunded"), netAmount: sum("gross") - sum("refunded") };
      });
      const counted = inPeriod.filter((r) => r.status !== "ignored").reduce((s, r) => s + Number(r.count), 0);
      const matched = inPeriod.filter((r) => r.status === "matched").reduce((s, r) => s + Number(r.count), 0);
      return [period, { channels, matchRate: { matched, total: counted, rate: counted ? matched / counted : null } }];
    }),
  );
  const series = [...new Set(rows.map((r) => r.channel))].sort().map((channel) => ({
    channel,
    values: dates.map((d) => rows.filter((r) => r.channel === channel && r.day === d).reduce((s, r) => s + Number(r.gross) - Number(r.refunded), 0)),
  }));
  return { periods, daily: { days: dates, series } };
}

describe(`board figures from slot totals (${process.env.TEST_DB})`, () => {
  for (const [timeZone, midnightUtc] of [["Asia/Shanghai", "16:00"], ["Asia/Kolkata", "18:30"]] as const) {
    it(`match a direct aggregate of payments for a merchant in ${timeZone}`, async () => {
      const m = await bankMerchant();
      await t.db().update(merchants).set({ timezone: timeZone }).where(eq(merchants.id, m.merchantId));
      const now = new Date(`2026-11-25T${midnightUtc}:00Z`);
      now.setUTCHours(now.getUTCHours() + 10); // 10:00 local on the 26th
      const local = (daysBack: number, offsetMs: number) => {
        const start = zonedDayStart(zonedDates(now, timeZone, daysBack + 1)[0], timeZone);
        return new Date(start.getTime() + offsetMs).toISOString();
      };
      // Around local midnights (the last millisecond of a day, the first of the next), inside slots, and at the 30-day edge.
      const instants = [0, 1, 6, 7, 29, 30].flatMap((d) => [local(d, -1), local(d, 0), local(d, 14 * 60_000 + 59_999), local(d, 9 * 3_600_000 + 15 * 60_000)]);
      let i = 0;
      for (const at of instants) {
        const p = await pay(m, 1_000 + ++i * 37, at);
        const status = (["unmatched", "matched", "ignored", "suggested"] as const)[i % 4];
        await t.db().update(payments).set({ status, refundedAmount: i % 3 === 0 ? 100 : 0, channel: i % 5 === 0 ? "wechatpay" : "alipay" }).where(eq(payments.id, p.id));
        // Refunded the moment it arrived: the board dates refunds by when the money went back, the same day here.
        if (i % 3 === 0) await t.db().insert(refunds).values({ merchantId: m.merchantId, paymentId: p.id, channelRefundId: `RF-${i}`, amount: 100, refundedAt: new Date(at) });
      }
      await expectExact(m.merchantId);
      await expectRefundsExact(m.merchantId);
      const board = await getBoard(t.db(), m.merchantId, now);
      const expected = await boardFromPayments(t.db(), m.merchantId, timeZone, now);
      expect(board.daily).toEqual(expected.daily);
      for (const period of BOARD_PERIODS) {
        expect(board.periods[period].channels).toEqual(expected.periods[period].channels);
        expect(board.periods[period].matchRate).toEqual(expected.periods[period].matchRate);
      }
      expect(board.periods["30d"].totals.count).toBeGreaterThan(board.periods["7d"].totals.count);
      expect(board.periods.today.totals.count).toBeGreaterThan(0);
    });
  }
});
