// One merchant's payments at scale for the board and report benchmarks, seeded with set-based SQL
// (insert … select generate_series): three channel accounts, `count` payments spread evenly over
// `days` from `start`, 1 in 20 unmatched and the rest matched to an order each through an
// allocation, optionally 1 % of the matched half refunded a day later.
import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { encryptSecret } from "@/lib/crypto/secrets";
import type { Db } from "@/lib/db/client";
import { allocations, channelAccounts, merchants, orders, payments, refunds } from "@/lib/db/schema";

export interface SeedPaymentsParams {
  /** Shown as the merchant's name, followed by the run's random tag. */
  merchantName: string;
  /** Two letters that start every reference and transaction id, so seeds are told apart. */
  prefix: string;
  /** ISO instant of the first payment. */
  start: string;
  days: number;
  count: number;
  withRefunds?: boolean;
}

export async function seedMerchantPayments(db: Db, params: SeedPaymentsParams) {
  const { prefix, start, days, count: n } = params;
  const run = crypto.randomBytes(3).toString("hex").toUpperCase();
  const [m] = await db.insert(merchants).values({ name: `${params.merchantName} ${run}` }).returning();
  const accounts = await db
    .insert(channelAccounts)
    .values((["alipay", "wechatpay", "bank"] as const).map((channel) => ({ merchantId: m.id, channel, name: `bench ${channel}`, credentialsEnc: encryptSecret("{}") })))
    .returning();
  const acct = Object.fromEntries(accounts.map((a) => [a.channel, a.id]));
  const at = sql`${start}::timestamptz + (i::float8 * ${days} * 86400 / ${n}) * interval '1 second'`;
  await db.execute(sql`
    insert into ${orders} (merchant_id, reference, order_no, source, amount, status, paid_amount, created_at, updated_at)
    select ${m.id}::uuid, ${prefix + run} || lpad(i::text, 8, '0'), ${prefix} || '-' || i,
           (array['web','douyin','taobao'])[1 + i % 3]::order_source, 100 + (i * 7919) % 100000, 'paid', 100 + (i * 7919) % 100000,
           ${at} - interval '5 minutes', ${at}
    from generate_series(1::bigint, ${n}::bigint) as i where i % 20 <> 0`);
  await db.execute(sql`
    insert into ${payments} (merchant_id, channel_account_id, channel, origin, channel_transaction_id, dedupe_key, reference, amount,
                             received_at, status, allocated_amount, match_method, confidence, match_checked_at, payer_name, memo)
    select ${m.id}::uuid,
           (array[${acct.alipay}, ${acct.wechatpay}, ${acct.bank}])[1 + i % 3]::uuid,
           (array['alipay','wechatpay','bank'])[1 + i % 3]::channel, 'notify', ${prefix} || i, ${prefix} || i,
           ${prefix + run} || lpad(i::text, 8, '0'), 100 + (i * 7919) % 100000, ${at},
           (case when i % 20 = 0 then 'unmatched' else 'matched' end)::payment_status,
           case when i % 20 = 0 then 0 else 100 + (i * 7919) % 100000 end,
           case when i % 20 = 0 then null else 'reference' end, 1, now(), '付款人' || (i % 1000), '货款 ' || i
    from generate_series(1::bigint, ${n}::bigint) as i`);
  // Statistics for the join below; without them the planner takes the new rows for none.
  await db.execute(sql`analyze ${orders}`);
  await db.execute(sql`analyze ${payments}`);
  await db.execute(sql`
    insert into ${allocations} (merchant_id, payment_id, order_id, amount, method)
    select ${m.id}::uuid, p.id, o.id, p.allocated_amount, 'reference'
    from ${payments} p join ${orders} o on o.merchant_id = p.merchant_id and o.order_no = ${prefix} || '-' || substr(p.channel_transaction_id, 3)
    where p.merchant_id = ${m.id}::uuid and p.allocated_amount > 0`);
  if (params.withRefunds) {
    await db.execute(sql`
      insert into ${refunds} (merchant_id, payment_id, channel_refund_id, amount, refunded_at)
      select ${m.id}::uuid, p.id, 'RF-' || p.channel_transaction_id, p.amount / 2, p.received_at + interval '1 day'
      from ${payments} p where p.merchant_id = ${m.id}::uuid and p.allocated_amount > 0 and substr(p.channel_transaction_id, 3)::bigint % 100 = 1`);
  }
  // As autovacuum would have them on a live database; without fresh statistics the planner takes the
  // freshly filled tables for empty.
  await db.execute(sql`vacuum analyze`);
  return { merchantId: m.id, run };
}
