import { and, asc, eq, isNull } from "drizzle-orm";
import { normalizeReference } from "@/lib/core/reference";
import { decryptJson } from "@/lib/crypto/secrets";
import type { DbOrTx } from "@/lib/db/client";
import { channelAccounts, merchants, orders, type Channel } from "@/lib/db/schema";
import type { BankCredentials } from "@/lib/services/channel-accounts";

/** Bank-transfer instructions: the customer needs the full account number to transfer, and the reference as memo. */
export interface PayBankChannel {
  channel: "bank";
  name: string;
  bankName: string;
  accountName: string | null;
  accountNo: string;
  memo: string;
}

/** A wallet channel the merchant accepts; paying through it starts at the storefront, so only its name is shown. */
export interface PayWalletChannel {
  channel: Exclude<Channel, "bank">;
  name: string;
}

export type PayChannel = PayBankChannel | PayWalletChannel;

/** The merchant's active channel accounts as the customer may see them: public instructions only, never keys or secrets. */
async function payChannelsOf(db: DbOrTx, merchantId: string, reference: string): Promise<PayChannel[]> {
  const rows = await db
    .select({ channel: channelAccounts.channel, name: channelAccounts.name, credentialsEnc: channelAccounts.credentialsEnc })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.merchantId, merchantId), isNull(channelAccounts.disabledAt)))
    .orderBy(asc(channelAccounts.createdAt), asc(channelAccounts.id));
  return rows.map((row): PayChannel => {
    if (row.channel !== "bank") return { channel: row.channel, name: row.name };
    // Decrypt only the bank fields; the other channels' credentials are verification secrets and never leave the server.
    const bank = decryptJson<BankCredentials>(row.credentialsEnc);
    return {
      channel: "bank",
      name: row.name,
      bankName: bank.bankName,
      accountName: bank.accountName ?? null,
      accountNo: bank.accountNo,
      memo: reference,
    };
  });
}

/** What the customer's pay page may show: the order as the customer knows it, and how the merchant can be paid. */
export async function getPayStatus(db: DbOrTx, reference: string, now = new Date()) {
  const normalized = normalizeReference(reference);
  if (!normalized) return null;
  const [row] = await db
    .select({ order: orders, merchantName: merchants.name })
    .from(orders)
    .innerJoin(merchants, eq(merchants.id, orders.merchantId))
    .where(eq(orders.reference, normalized))
    .limit(1);
  if (!row) return null;
  const o = row.order;
  const expired = o.status === "pending" && !!o.expiresAt && o.expiresAt <= now;
  return {
    reference: o.reference,
    orderNo: o.orderNo,
    merchantName: row.merchantName,
    amount: o.amount,
    /** The unique amount checkout asked for (amount less a tail), or null. */
    payableAmount: o.payableAmount,
    currency: o.currency,
    paidAmount: o.paidAmount,
    status: expired ? ("closed" as const) : o.status,
    description: o.description,
    expiresAt: o.expiresAt?.toISOString() ?? null,
    paidAt: o.paidAt?.toISOString() ?? null,
    returnUrl: o.returnUrl,
    channels: await payChannelsOf(db, o.merchantId, o.reference),
  };
}

export type PayStatus = NonNullable<Awaited<ReturnType<typeof getPayStatus>>>;
