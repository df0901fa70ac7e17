import { and, asc, between, eq, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { payableRange, pickPayableAmount } from "@/lib/core/checkout/unique-amount";
import { isSupportedCurrency } from "@/lib/core/money";
import { generateReference } from "@/lib/core/reference";
import { encryptSecret } from "@/lib/crypto/secrets";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { isUniqueViolation } from "@/lib/db/errors";
import { channelAccounts, merchants, openOrders, orders, type Order } from "@/lib/db/schema";
import { badRequest, conflict, notFound } from "@/lib/http/errors";
import { isStorableInstant, STORABLE_RANGE } from "@/lib/http/pagination";
import { buildChannelParams } from "@/lib/services/channel-params";
import { uniqueAmountByDefault } from "@/lib/services/checkout-settings";
import { buildOrderView } from "@/lib/services/orders";
import nodeCrypto from "node:crypto";

export const checkoutSchema = z.object({
  orderNo: z.string().trim().min(1).max(64),
  source: z.enum(["douyin", "taobao", "miniprogram", "pos", "web", "other"]),
  amount: z.number().int().positive().max(1_000_000_000_000),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an upper-case ISO 4217 code")
    .refine(isSupportedCurrency, "must be an ISO 4217 currency with 0 or 2 minor digits")
    .default("CNY"),
  channel: z.enum(["alipay", "wechatpay", "unionpay", "douyin", "stripe", "paypal", "bank", "other"]).optional(),
  description: z.string().max(256).optional(),
  customer: z
    .object({ name: z.string().max(100).optional(), phone: z.string().max(32).optional() })
    .optional(),
  returnUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((v) => isStorableInstant(new Date(v)), `must be from ${STORABLE_RANGE}`)
    .optional(),
  /** Ask the customer for a unique amount (amount less a tail of 1–99 fen) that names the order without a reference; omitted: the merchant's checkout setting. */
  uniqueAmount: z.boolean().optional(),
});
export type CheckoutInput = z.infer<typeof checkoutSchema>;

const randomBytes = (n: number) => new Uint8Array(nodeCrypto.randomBytes(n));

async function checkoutView(db: Db, order: Order, baseUrl: string) {
  // Oldest first: with two accounts of one channel, the channel's own key names the same one on every call.
  const accounts = await db.select().from(channelAccounts).where(eq(channelAccounts.merchantId, order.merchantId)).orderBy(asc(channelAccounts.createdAt), asc(channelAccounts.id));
  const view = await buildOrderView(db, order);
  return {
    ...view,
    payUrl: `/pay/${order.reference}`,
    channelParams: buildChannelParams(order, accounts, baseUrl),
  };
}

async function findExisting(db: Db, merchantId: string, input: CheckoutInput) {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.merchantId, merchantId), eq(orders.source, input.source), eq(orders.orderNo, input.orderNo)))
    .limit(1);
  return order ?? null;
}

function assertSameOrder(order: Order, input: CheckoutInput) {
  if (order.amount !== input.amount || order.currency !== input.currency) {
    throw conflict(
      `Order ${input.orderNo} from ${input.source} already exists with amount ${order.amount} ${order.currency}`,
      "order_conflict",
    );
  }
}

/**
 * The payable amount for a new order asking a unique amount: the smallest tail no open order of the
 * merchant in the same currency asks, as its own unique amount or in full. Checkouts of one merchant asking
 * one take turns (a transaction-scoped advisory lock), so two customers are never told the same amount; a
 * plain order created meanwhile for exactly that amount is not held back, and the engine then only suggests.
 * Asked by the storefront (`required`), no room for a tail is an error; asked only by the merchant's default,
 * the order is then simply made without one (null).
 */
async function uniquePayableAmount(
  tx: DbOrTx,
  params: { merchantId: string; amount: number; currency: string; required: boolean },
): Promise<number | null> {
  const { merchantId, amount, currency, required } = params;
  const range = payableRange(amount);
  if (!range) {
    if (!required) return null;
    throw badRequest("uniqueAmount: a unique amount needs an amount of at least 2 fen (the amount less a tail of 1 fen or more)", "invalid_field");
  }
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`unique_amount:${merchantId}`}))`);
  // Taken: what open orders ask, as a unique amount or in full (a transfer of either would name two orders).
  const taken = await tx
    .select({ asked: sql<number>`coalesce(${openOrders.payableAmount}, ${openOrders.amount})`.mapWith(Number) })
    .from(openOrders)
    .innerJoin(orders, eq(orders.id, openOrders.orderId))
    .where(
      and(
        eq(openOrders.merchantId, merchantId),
        or(
          between(openOrders.payableAmount, range.lowest, range.highest),
          and(isNull(openOrders.payableAmount), between(openOrders.amount, range.lowest, range.highest)),
        ),
        // 127.99 dollars names no yuan order.
        eq(orders.currency, currency),
      ),
    );
  const payable = pickPayableAmount(amount, taken.map((t) => t.asked));
  if (payable === null && required) {
    throw conflict(`Every unique amount just under ${amount} fen is taken by an open order; try again later or without uniqueAmount`, "unique_amount_unavailable");
  }
  return payable;
}

/**
 * Creates the order and its reference, idempotently on (merchant, source, orderNo):
 * the same request again returns the same reference; a different amount is a conflict.
 */
export async function checkout(
  db: Db,
  params: { merchantId: string; actor: Actor; input: CheckoutInput; baseUrl: string; now: Date },
) {
  const { merchantId, input, now } = params;
  const existing = await findExisting(db, merchantId, input);
  if (existing) {
    assertSameOrder(existing, input);
    return { created: false, body: await checkoutView(db, existing, params.baseUrl) };
  }
  const [merchant] = await db.select().from(merchants).where(eq(merchants.id, merchantId)).limit(1);
  if (!merchant) throw notFound("Merchant");
  // An order dead on arrival would be answered "pending" and closed by the next sweep: the storefront's clock
  // or offset is wrong, and it should hear so now.
  if (input.expiresAt && new Date(input.expiresAt).getTime() <= now.getTime()) {
    throw badRequest(`expiresAt: ${input.expiresAt} has already passed`, "invalid_field");
  }
  const expiresAt = input.expiresAt
    ? new Date(input.expiresAt)
    : new Date(now.getTime() + merchant.orderTtlMinutes * 60_000);
  for (let attempt = 0; ; attempt++) {
    try {
      const order = await db.transaction(async (tx) => {
        // The merchant's default is about yuan bank transfers (a few fen off); a storefront may ask any currency.
        const asksUniqueAmount = input.uniqueAmount ?? (uniqueAmountByDefault(merchant) && input.currency === "CNY");
        const payableAmount = asksUniqueAmount
          ? await uniquePayableAmount(tx, { merchantId, amount: input.amount, currency: input.currency, required: input.uniqueAmount === true })
          : null;
        const [row] = await tx
          .insert(orders)
          .values({
            merchantId,
            reference: generateReference(randomBytes),
            orderNo: input.orderNo,
            source: input.source,
            amount: input.amount,
            payableAmount,
            currency: input.currency,
            preferredChannel: input.channel ?? null,
            description: input.description ?? null,
            customerName: input.customer?.name ?? null,
            customerPhoneEnc: input.customer?.phone ? encryptSecret(input.customer.phone) : null,
            returnUrl: input.returnUrl ?? null,
            expiresAt,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await appendAuditEvents(tx, merchantId, params.actor, [
          {
            action: "order.created",
            subjectType: "order",
            subjectId: row.id,
            after: {
              reference: row.reference,
              orderNo: row.orderNo,
              amount: row.amount,
              currency: row.currency,
              ...(row.payableAmount !== null ? { payableAmount: row.payableAmount } : {}),
            },
          },
        ]);
        return row;
      });
      return { created: true, body: await checkoutView(db, order, params.baseUrl) };
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 3) throw err;
      // Either a concurrent identical checkout won the race, or (1 in 2^45) the reference collided.
      const raced = await findExisting(db, merchantId, input);
      if (raced) {
        assertSameOrder(raced, input);
        return { created: false, body: await checkoutView(db, raced, params.baseUrl) };
      }
    }
  }
}
