import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { toYuanString } from "@/lib/core/money";
import type { Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { createChannelAccount } from "@/lib/services/channel-accounts";
import { checkout } from "@/lib/services/checkout";
import { matchPayment } from "@/lib/services/match-payment";
import { recordPayment } from "@/lib/services/payments";
import { receiveNotification } from "@/lib/services/receive-notification";
import { signup } from "@/lib/services/signup";

export const DEMO_LOGIN = { email: "demo@ldxp.local", password: "ldxp-demo-2026" };

const PRODUCTS = ["原创连衣裙", "真丝衬衫", "羊绒围巾", "手工皮包", "亚麻长裤", "针织开衫", "帆布托特包", "纯棉T恤"];
const PAYERS = ["张伟", "王芳", "李娜", "刘强", "陈静", "杭州禾木家居有限公司", "杨磊", "赵敏"];
const AMOUNTS = [12800, 25900, 3900, 59900, 8800, 19900, 4990, 128800];

function alipayNotifyBody(p: Record<string, string>, privateKey: crypto.KeyObject) {
  const content = Object.keys(p)
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join("&");
  const sign = crypto.sign("sha256", Buffer.from(content, "utf8"), privateKey).toString("base64");
  return new URLSearchParams({ ...p, sign, sign_type: "RSA2" }).toString();
}

const beijing = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");

/**
 * Seeds a demo merchant with three days of orders and payments, through the same services the
 * API uses (Alipay notifies are really signed with a key generated here and then thrown away).
 * Does nothing when the demo merchant exists. Returns the login to print.
 */
export async function seedDemo(db: Db, now = new Date()) {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_LOGIN.email)).limit(1);
  if (existing) return { created: false, ...DEMO_LOGIN };
  const { merchantId, userId } = await signup(db, { merchantName: "链动小铺（演示）", ...DEMO_LOGIN });
  const actor = { type: "user" as const, id: userId };
  const keys = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const appId = "2021000000000001";
  const alipay = await createChannelAccount(db, {
    merchantId,
    actor,
    channel: "alipay",
    name: "支付宝 · 主账户",
    credentials: { appId, alipayPublicKey: keys.publicKey.export({ type: "spki", format: "pem" }).toString() },
  });
  const bank = await createChannelAccount(db, {
    merchantId,
    actor,
    channel: "bank",
    name: "招商银行 对公户",
    credentials: { bankName: "招商银行上海分行", accountNo: "6225880123456789", accountName: "上海链动小铺商贸有限公司" },
  });
  /** A line of the bank statement, recorded and matched as an import would. */
  const bankTransfer = async (t: { serial: string; amount: number; receivedAt: Date; payerName: string; payerAccount: string | null; memo: string }) => {
    const { payment } = await recordPayment(db, {
      merchantId,
      channelAccountId: bank.id,
      origin: "statement",
      event: {
        kind: "payment",
        channel: "bank",
        channelTransactionId: t.serial,
        reference: null,
        amount: t.amount,
        currency: "CNY",
        receivedAt: t.receivedAt.toISOString(),
        payerName: t.payerName,
        payerAccount: t.payerAccount,
        memo: t.memo,
        merchantAccountId: null,
        sellerId: null,
        details: {},
      },
    });
    await matchPayment(db, { paymentId: payment.id, now: t.receivedAt });
  };
  const sources = ["douyin", "taobao", "miniprogram", "pos", "web"] as const;
  /** An order placed through checkout at `at`, as a storefront would. */
  const placeOrder = async (at: Date, input: { orderNo: string; source: (typeof sources)[number]; amount: number; product: number; payer: string; uniqueAmount?: boolean }) =>
    (
      await checkout(db, {
        merchantId,
        actor,
        baseUrl: "http://localhost:3000",
        now: at,
        input: {
          orderNo: input.orderNo,
          source: input.source,
          amount: input.amount,
          currency: "CNY",
          description: `${PRODUCTS[input.product % PRODUCTS.length]} x1`,
          customer: { name: input.payer },
          ...(input.uniqueAmount ? { uniqueAmount: true } : {}),
        },
      })
    ).body;
  for (let i = 0; i < 24; i++) {
    const createdAt = new Date(now.getTime() - (72 - i * 3) * 3600_000);
    const amount = AMOUNTS[i % AMOUNTS.length];
    const body = await placeOrder(createdAt, { orderNo: `DEMO-${String(i + 1).padStart(4, "0")}`, source: sources[i % sources.length], amount, product: i, payer: PAYERS[i % PAYERS.length] });
    const paidAt = new Date(createdAt.getTime() + 7 * 60_000);
    if (i % 4 === 3) continue; // some orders stay unpaid, as in real life
    if (i % 3 === 0) {
      // A customer's bank transfer with the reference typed into the memo.
      await bankTransfer({
        serial: `K${paidAt.getTime()}`,
        amount,
        receivedAt: paidAt,
        payerName: PAYERS[i % PAYERS.length],
        payerAccount: `62258801${String(1000 + i).padStart(8, "0")}`,
        memo: `货款${body.reference.toLowerCase()}`,
      });
      continue;
    }
    const params: Record<string, string> = {
      notify_time: beijing(paidAt),
      notify_type: "trade_status_sync",
      notify_id: crypto.randomBytes(16).toString("hex"),
      charset: "utf-8",
      version: "1.0",
      app_id: appId,
      auth_app_id: appId,
      trade_no: `2026${paidAt.getTime()}${i}`,
      out_trade_no: body.reference,
      trade_status: "TRADE_SUCCESS",
      total_amount: toYuanString(amount),
      receipt_amount: toYuanString(amount),
      buyer_logon_id: "138****5678",
      gmt_create: beijing(createdAt),
      gmt_payment: beijing(paidAt),
      subject: PRODUCTS[i % PRODUCTS.length],
    };
    await receiveNotification(db, { channel: "alipay", channelAccountId: alipay.id, rawBody: alipayNotifyBody(params, keys.privateKey), headers: {}, now: paidAt });
  }
  // A customer who pays from a bank app that drops the memo: checkout asked a unique amount, which alone finds the order.
  const asked = new Date(now.getTime() - 6 * 3600_000);
  const unique = await placeOrder(asked, { orderNo: "DEMO-0025", source: "web", amount: 36800, product: 3, payer: PAYERS[6], uniqueAmount: true });
  const transferredAt = new Date(asked.getTime() + 40 * 60_000);
  await bankTransfer({
    serial: `K-UNIQUE-${transferredAt.getTime()}`,
    amount: unique.payableAmount,
    receivedAt: transferredAt,
    payerName: PAYERS[6],
    payerAccount: "6225880100006666",
    memo: "转账",
  });
  // A company pays its order by bank transfer ¥10 short (a bank fee beyond any rule): the order stays partly
  // paid and the difference waits in 异常 as an amount mismatch.
  const orderedAt = new Date(now.getTime() - 5 * 3600_000);
  const short = await placeOrder(orderedAt, { orderNo: "DEMO-0026", source: "taobao", amount: 29900, product: 2, payer: PAYERS[5] });
  await bankTransfer({
    serial: `K-SHORT-${orderedAt.getTime()}`,
    amount: 28900,
    receivedAt: new Date(orderedAt.getTime() + 25 * 60_000),
    payerName: PAYERS[5],
    payerAccount: "6222020200115566",
    memo: `货款 ${short.reference}`,
  });
  // Two transfers without reference wait on the board as pending money: one less than its payer's open
  // orders (suggested as a part payment of each), one nobody can place.
  for (const [n, amount, memo] of [[1, 15900, "货款"], [2, 4990, "转账"]] as const) {
    const receivedAt = new Date(now.getTime() - n * 3600_000);
    await bankTransfer({ serial: `K-UNPLACED-${n}`, amount, receivedAt, payerName: PAYERS[n + 2], payerAccount: null, memo });
  }
  // The bank's quarterly interest, a day and a half old: no customer's money. It waits in 异常 (unmatched too
  // long) until someone ignores it on its page, or turns on the 结息/利息 rule in 设置 › 规则.
  await bankTransfer({ serial: "K-INTEREST-1", amount: 321, receivedAt: new Date(now.getTime() - 36 * 3600_000), payerName: "招商银行", payerAccount: null, memo: "结息" });
  // Alipay paying the shop's balance out to its bank this morning: the shop's own money, which the payment's page
  // offers to set aside as a transfer between its own accounts.
  await bankTransfer({ serial: "K-PAYOUT-1", amount: 104_650, receivedAt: new Date(now.getTime() - 5 * 3600_000), payerName: "支付宝（中国）网络技术有限公司", payerAccount: null, memo: "支付宝提现" });
  return { created: true, ...DEMO_LOGIN };
}
