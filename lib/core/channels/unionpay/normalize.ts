import { beijingTimeToIso } from "@/lib/core/channels/alipay/time";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { compact } from "@/lib/core/channels/generic/json-fields";
import type { NormalizedNotification } from "@/lib/core/channels/types";

type Fields = Record<string, string>;

function optional(fields: Fields, key: string): string | undefined {
  return Object.hasOwn(fields, key) && fields[key] !== "" ? fields[key] : undefined;
}

function required(fields: Fields, key: string): string {
  const value = optional(fields, key);
  if (value === undefined) throw new NotificationFormatError(key, "required field is missing or empty");
  return value;
}

function fen(fields: Fields, key: string): number {
  const value = required(fields, key);
  // txnAmt is integer fen as digits (N1..12), never a decimal.
  if (!/^\d{1,12}$/.test(value) || Number(value) === 0) throw new NotificationFormatError(key, `not a positive amount in fen: "${value}"`);
  return Number(value);
}

function txnTime(fields: Fields): string {
  const value = required(fields, "txnTime");
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  const iso = m && beijingTimeToIso(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`);
  if (!iso) throw new NotificationFormatError("txnTime", `not a YYYYMMDDhhmmss Beijing time: "${value}"`);
  return iso;
}

// ISO 4217 numeric codes; the gateway settles domestic card payments in 156 (CNY).
const CURRENCIES: Record<string, string> = { "156": "CNY", "344": "HKD", "446": "MOP", "840": "USD" };

function currency(fields: Fields): string {
  const code = optional(fields, "currencyCode") ?? "156";
  const iso = CURRENCIES[code];
  if (!iso) throw new NotificationFormatError("currencyCode", `unsupported currency code "${code}"`);
  return iso;
}

function commonDetails(fields: Fields) {
  return {
    txnType: optional(fields, "txnType"),
    txnSubType: optional(fields, "txnSubType"),
    bizType: optional(fields, "bizType"),
    accessType: optional(fields, "accessType"),
    respCode: optional(fields, "respCode"),
    respMsg: optional(fields, "respMsg"),
    reqReserved: optional(fields, "reqReserved"),
    settleAmt: optional(fields, "settleAmt"),
    settleCurrencyCode: optional(fields, "settleCurrencyCode"),
    settleDate: optional(fields, "settleDate"),
    traceNo: optional(fields, "traceNo"),
    traceTime: optional(fields, "traceTime"),
    payCardType: optional(fields, "payCardType"),
    // Discount data, when the merchant has UnionPay promotions; kept raw.
    couponInfo: optional(fields, "couponInfo"),
  };
}

/**
 * Reduces a verified UnionPay 5.1.0 backend notify. Only respCode 00/A6 is a success; txnType 01 (consume) → payment
 * keyed on queryId with orderId as our reference; txnType 04 (退货 refund) and 31 (消费撤销 void) → refund of txnAmt
 * against origQryId (field name from the SDK demos, unverified against an official refund notify). Other txnTypes are ignored.
 */
export function normalizeUnionpayNotification(fields: Fields): NormalizedNotification {
  const txnType = required(fields, "txnType");
  const queryId = required(fields, "queryId");
  const respCode = required(fields, "respCode");
  const eventKey = `${txnType}:${queryId}:${respCode}`;
  const ignore = (reason: string): NormalizedNotification => ({ eventKey, payment: null, refund: null, ignoredReason: reason });
  if (respCode !== "00" && respCode !== "A6") return ignore(`respCode ${respCode}: ${optional(fields, "respMsg") ?? "failed"}`);
  if (txnType === "01") {
    const accNo = optional(fields, "accNo");
    return {
      eventKey,
      refund: null,
      ignoredReason: null,
      payment: {
        kind: "payment",
        channel: "unionpay",
        channelTransactionId: queryId,
        reference: required(fields, "orderId"),
        amount: fen(fields, "txnAmt"),
        currency: currency(fields),
        receivedAt: txnTime(fields),
        payerName: null,
        // accNo is masked (6225****1234) unless the merchant enabled encryption; ciphertext is useless to staff.
        payerAccount: accNo && accNo.includes("*") ? accNo : null,
        memo: null,
        merchantAccountId: required(fields, "merId"),
        sellerId: null,
        details: compact(commonDetails(fields)),
      },
    };
  }
  // 04 退货 gives money back after settlement, 31 消费撤销 voids the consume the same day: either way the
  // customer has txnAmt back, recorded as a refund of the original consume (origQryId).
  if (txnType === "04" || txnType === "31") {
    return {
      eventKey,
      payment: null,
      ignoredReason: null,
      refund: {
        kind: "refund",
        channel: "unionpay",
        channelTransactionId: required(fields, "origQryId"),
        channelRefundId: queryId,
        // orderId of a refund is the refund request's own number, not the payment's reference.
        reference: null,
        cumulativeRefundedAmount: null,
        amount: fen(fields, "txnAmt"),
        refundedAt: txnTime(fields),
        // The notify does not restate the original amount, so a full refund cannot be told apart here.
        closesPayment: false,
        details: compact({ ...commonDetails(fields), refundOrderId: optional(fields, "orderId"), ...(txnType === "31" ? { void: true } : {}) }),
      },
    };
  }
  return ignore(`txnType ${txnType} is not handled`);
}
