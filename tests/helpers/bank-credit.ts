import type { Db } from "@/lib/db/client";
import { recordPayment } from "@/lib/services/payments";

let serial = 0;

/** A bank statement credit to the merchant's bank account, recorded as the statement import records it (not yet matched). */
export async function bankCredit(
  db: Db,
  m: { merchantId: string; bankId: string },
  p: { amount: number; memo?: string; payerName?: string | null; payerAccount?: string; at?: Date },
) {
  const { payment } = await recordPayment(db, {
    merchantId: m.merchantId,
    channelAccountId: m.bankId,
    origin: "statement",
    event: {
      kind: "payment",
      channel: "bank",
      channelTransactionId: `CMB${Date.now()}${++serial}`,
      reference: null,
      amount: p.amount,
      currency: "CNY",
      receivedAt: (p.at ?? new Date()).toISOString(),
      payerName: p.payerName === undefined ? "张三" : p.payerName,
      payerAccount: p.payerAccount ?? `6222${String(serial).padStart(12, "0")}`,
      memo: p.memo ?? "货款",
      merchantAccountId: null,
      sellerId: null,
      details: {},
    },
  });
  return payment;
}
