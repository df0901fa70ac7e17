import { toMajorString, toYuanString } from "@/lib/core/money";
import type { PayBankChannel, PayStatus } from "@/lib/services/pay-page";

/**
 * What a bank transfer should carry: the unique amount checkout asked for while nothing is paid yet
 * (the amount names the order even without the memo), otherwise what is still due.
 */
export function transferAmountOf(status: Pick<PayStatus, "amount" | "paidAmount" | "payableAmount">): number {
  return Math.max(status.amount - status.paidAmount - uniqueTailOf(status), 0);
}

/** The discount of the unique amount the order still asks, in minor units (0: none, or something is paid already). */
export function uniqueTailOf(status: Pick<PayStatus, "amount" | "paidAmount" | "payableAmount">): number {
  return status.payableAmount != null && status.paidAmount === 0 ? status.amount - status.payableAmount : 0;
}

/**
 * The bank-transfer details as plain text, one field a line. Chinese banks have no standard transfer-QR payload
 * (unlike EPC QR in Europe), so the QR code carries this text for the customer to save, scan as text and copy
 * into their banking app; the labels stay Chinese because the slip is read against a Chinese bank's form.
 */
export function transferSlipText(bank: PayBankChannel, amount: number, currency: string): string {
  // The amount in the order's own currency: a dollar order's 12.80 is never "12.80 元".
  const written = currency === "CNY" ? `${toYuanString(amount)} 元` : `${toMajorString(amount, currency)} ${currency}`;
  return [
    bank.accountName ? `收款户名：${bank.accountName}` : null,
    `收款账号：${bank.accountNo}`,
    `开户行：${bank.bankName}`,
    `金额：${written}`,
    `附言：${bank.memo}`,
  ]
    .filter((line): line is string => line !== null)
    .join("\n");
}
