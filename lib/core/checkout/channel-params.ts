export interface ChannelAccountForParams {
  id: string;
  channel: string;
  name: string;
  /** Absolute URL the channel must call back. */
  notifyUrl: string;
  bank?: { bankName: string; accountNo: string; accountName?: string };
}

export interface OrderForParams {
  reference: string;
  orderNo: string;
  amount: number;
  /** The unique amount the customer is asked to transfer (checkout's uniqueAmount), or null. */
  payableAmount: number | null;
}

/**
 * The fields a storefront passes to each channel so our reference travels with the payment.
 * The reference is [0-9A-Z]{9,32}: legal in every channel's order-number field as it is.
 * When a merchant has several accounts of one channel, the first keeps the channel's key and the
 * others are keyed `channel:accountId`.
 */
export function buildChannelParams(order: OrderForParams, accounts: ChannelAccountForParams[]) {
  const ref = order.reference;
  const out: Record<string, Record<string, unknown>> = {};
  for (const a of accounts) {
    const params = paramsFor(a, ref, order.orderNo, order.payableAmount ?? order.amount);
    if (!params) continue;
    const key = out[a.channel] ? `${a.channel}:${a.id}` : a.channel;
    out[key] = { channelAccountId: a.id, ...params };
  }
  return out;
}

function paramsFor(a: ChannelAccountForParams, ref: string, orderNo: string, transferAmount: number): Record<string, unknown> | null {
  // passthrough fields echo the reference so a notify can be matched even if the order number is rewritten
  const passback = `ref=${ref}`;
  switch (a.channel) {
    case "alipay":
      return { out_trade_no: ref, notify_url: a.notifyUrl, passback_params: encodeURIComponent(passback) };
    case "wechatpay":
      return { out_trade_no: ref, attach: passback, notify_url: a.notifyUrl };
    case "unionpay":
      return { orderId: ref, reqReserved: passback, backUrl: a.notifyUrl };
    case "douyin":
      return { cp_orderno: ref, cp_extra: passback, notify_url: a.notifyUrl };
    case "stripe":
      // Stripe copies none of the session's metadata to its PaymentIntent: the reference rides on both, so
      // payment_intent.succeeded and charge.refunded carry it too, whichever event comes first.
      return { client_reference_id: ref, metadata: { reference: ref, orderNo }, payment_intent_data: { metadata: { reference: ref, orderNo } } };
    case "paypal":
      return { custom_id: ref, invoice_id: ref };
    case "other":
      return { reference: ref, notify_url: a.notifyUrl };
    case "bank":
      return a.bank
        ? { bankName: a.bank.bankName, accountNo: a.bank.accountNo, accountName: a.bank.accountName ?? null, memo: ref, amount: transferAmount }
        : null;
    default:
      return null;
  }
}
