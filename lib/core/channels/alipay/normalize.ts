import { NotificationFormatError } from "@/lib/core/channels/errors";
import type { NormalizedNotification, PaymentEvent, RefundEvent } from "@/lib/core/channels/types";
import { minorDigits, MoneyFormatError, parseYuan } from "@/lib/core/money";
import { beijingTimeToIso } from "./time";

type Params = Record<string, string>;

// Own properties only: a notify must not "have" a `constructor` or `toString` field through the prototype.
function optional(params: Params, field: string): string | undefined {
  if (!Object.hasOwn(params, field)) return undefined;
  const value = params[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function required(params: Params, field: string): string {
  const value = optional(params, field);
  if (value === undefined) throw new NotificationFormatError(field, "required field is missing or empty");
  return value;
}

function fen(params: Params, field: string): number | undefined {
  const value = optional(params, field);
  if (value === undefined) return undefined;
  let amount: number;
  try {
    amount = parseYuan(value);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new NotificationFormatError(field, error.message, { cause: error });
    throw error;
  }
  if (amount < 0) throw new NotificationFormatError(field, `negative amount "${value}"`);
  return amount;
}

function time(params: Params, field: string): string | undefined {
  const value = optional(params, field);
  if (value === undefined) return undefined;
  const iso = beijingTimeToIso(value);
  if (iso === null) throw new NotificationFormatError(field, `not a "yyyy-MM-dd HH:mm:ss" time: "${value}"`);
  return iso;
}

function requiredTime(params: Params, field: string): string {
  const iso = time(params, field);
  if (iso === undefined) throw new NotificationFormatError(field, "required field is missing or empty");
  return iso;
}

// Alipay posts these lists as JSON strings; keep the raw text if a future format is not JSON so nothing is lost.
function jsonList(params: Params, field: string): unknown {
  const value = optional(params, field);
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : value;
  } catch {
    return value;
  }
}

function currency(params: Params): string {
  // Domestic trades carry no currency field; cross-border ones state the pricing currency as trans_currency.
  const code = optional(params, "trans_currency")?.toUpperCase() ?? "CNY";
  if (!/^[A-Z]{3}$/.test(code)) throw new NotificationFormatError("trans_currency", `not an ISO 4217 code: "${code}"`);
  const digits = minorDigits(code);
  // Amounts are parsed as 2-decimal yuan strings; for JPY or KWD that would not be minor units.
  if (digits !== 2) throw new NotificationFormatError("trans_currency", `currency "${code}" does not have 2 minor digits`);
  return code;
}

function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * Reduces a verified Alipay `trade_status_sync` notify to payment/refund events.
 * TRADE_SUCCESS/TRADE_FINISHED = paid (plus a partial refund when `refund_fee` > 0); TRADE_CLOSED with `refund_fee` =
 * fully refunded (payment still returned); TRADE_CLOSED without it = unpaid timeout close and WAIT_BUYER_PAY are ignored.
 * Details use Alipay's field names with amounts in fen. Throws NotificationFormatError naming the bad field.
 */
export function normalizeAlipayNotification(params: Params): NormalizedNotification {
  const tradeNo = required(params, "trade_no");
  const outTradeNo = required(params, "out_trade_no");
  const tradeStatus = required(params, "trade_status");
  const appId = required(params, "app_id");
  const totalAmount = fen(params, "total_amount");
  if (totalAmount === undefined) throw new NotificationFormatError("total_amount", "required field is missing or empty");
  if (totalAmount === 0) throw new NotificationFormatError("total_amount", "a trade cannot total zero");
  const refundFeeRaw = optional(params, "refund_fee");
  const refundFee = fen(params, "refund_fee");
  if (refundFee !== undefined && refundFee > totalAmount) {
    throw new NotificationFormatError("refund_fee", "cumulative refund exceeds total_amount");
  }
  const outBizNo = optional(params, "out_biz_no");
  // notify_id is constant across retries but not unique per state change; channels.md §1 keys on the trade state.
  const eventKey = `${tradeNo}:${tradeStatus}:${refundFeeRaw ?? ""}:${outBizNo ?? ""}`;
  const refunded = refundFee !== undefined && refundFee > 0;

  const ignore = (reason: string): NormalizedNotification => ({ eventKey, payment: null, refund: null, ignoredReason: reason });
  switch (tradeStatus) {
    case "WAIT_BUYER_PAY":
      return ignore("WAIT_BUYER_PAY");
    case "TRADE_CLOSED":
      if (!refunded) return ignore("timeout close (TRADE_CLOSED without refund_fee)");
      break;
    case "TRADE_SUCCESS":
    case "TRADE_FINISHED":
      break;
    default:
      throw new NotificationFormatError("trade_status", `unknown trade_status "${tradeStatus}"`);
  }

  const payment: PaymentEvent = {
    kind: "payment",
    channel: "alipay",
    channelTransactionId: tradeNo,
    reference: outTradeNo,
    amount: totalAmount,
    currency: currency(params),
    receivedAt: requiredTime(params, "gmt_payment"),
    payerName: null,
    // Alipay gives no payer name; buyer_logon_id is masked ("xud***@126.com") but still what support staff see.
    payerAccount: optional(params, "buyer_logon_id") ?? optional(params, "buyer_id") ?? null,
    memo: null,
    merchantAccountId: appId,
    sellerId: optional(params, "seller_id") ?? null,
    details: compact({
      trade_status: tradeStatus,
      receipt_amount: fen(params, "receipt_amount"),
      buyer_pay_amount: fen(params, "buyer_pay_amount"),
      point_amount: fen(params, "point_amount"),
      invoice_amount: fen(params, "invoice_amount"),
      fund_bill_list: jsonList(params, "fund_bill_list"),
      voucher_detail_list: jsonList(params, "voucher_detail_list"),
      passback_params: optional(params, "passback_params"),
      notify_id: optional(params, "notify_id"),
      notify_time: time(params, "notify_time"),
      gmt_create: time(params, "gmt_create"),
      buyer_id: optional(params, "buyer_id"),
      buyer_logon_id: optional(params, "buyer_logon_id"),
      seller_email: optional(params, "seller_email"),
      auth_app_id: optional(params, "auth_app_id"),
      subject: optional(params, "subject"),
      body: optional(params, "body"),
      trans_currency: optional(params, "trans_currency"),
    }),
  };

  let refund: RefundEvent | null = null;
  if (refunded) {
    const closes = tradeStatus === "TRADE_CLOSED";
    refund = {
      kind: "refund",
      channel: "alipay",
      channelTransactionId: tradeNo,
      // Without out_biz_no, a full refund is unique per trade; partial ones are told apart by the running total.
      channelRefundId: outBizNo ?? (closes ? `${tradeNo}:full` : `${tradeNo}:refunded:${refundFee}`),
      reference: outTradeNo,
      cumulativeRefundedAmount: refundFee,
      amount: null,
      refundedAt: requiredTime(params, "gmt_refund"),
      closesPayment: closes,
      details: compact({
        trade_status: tradeStatus,
        refund_fee: refundFee,
        out_biz_no: outBizNo,
        gmt_close: time(params, "gmt_close"),
        notify_id: optional(params, "notify_id"),
      }),
    };
  }
  return { eventKey, payment, refund, ignoredReason: null };
}
