// Distinct, correctly signed channel notifications for the ingest benchmarks, built with the same
// independent signers the tests use (node:crypto, not lib/core), so the server verifies real signatures.
import { alipayPaymentNotify, signAlipayParams, toFormBody } from "@/tests/helpers/alipay-signer";
import { encryptWechatpayResource, signWechatpay, wechatpayEnvelope, wechatpayTransaction } from "@/tests/helpers/wechatpay-signer";

export interface AlipayAccount {
  accountId: string;
  appId: string;
  privateKeyPem: string;
}

export interface WechatpayAccount {
  accountId: string;
  mchId: string;
  apiV3Key: string;
  privateKeyPem: string;
  publicKeyId: string;
}

export interface BenchOrder {
  reference: string;
  /** fen */
  amount: number;
}

/** One HTTP request as autocannon sends it. */
export interface NotifyRequest {
  channel: "alipay" | "wechatpay";
  reference: string;
  method: "POST";
  path: string;
  headers: Record<string, string>;
  body: string;
}

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

export function alipayNotifyRequest(account: AlipayAccount, order: BenchOrder, path = `/api/webhooks/alipay/${account.accountId}`): NotifyRequest {
  const params = alipayPaymentNotify({ outTradeNo: order.reference, appId: account.appId, totalAmount: yuan(order.amount) });
  return {
    channel: "alipay",
    reference: order.reference,
    method: "POST",
    path,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: toFormBody(signAlipayParams(params, account.privateKeyPem)),
  };
}

/** WeChat Pay checks the timestamp is within 5 minutes: build these just before sending. */
export function wechatpayNotifyRequest(account: WechatpayAccount, order: BenchOrder, now = Math.floor(Date.now() / 1000)): NotifyRequest {
  const transaction = wechatpayTransaction({ mchId: account.mchId, outTradeNo: order.reference, total: order.amount });
  const resource = encryptWechatpayResource(account.apiV3Key, JSON.stringify(transaction), "transaction");
  const body = wechatpayEnvelope("TRANSACTION.SUCCESS", resource);
  return {
    channel: "wechatpay",
    reference: order.reference,
    method: "POST",
    path: `/api/webhooks/wechatpay/${account.accountId}`,
    headers: signWechatpay(body, account.privateKeyPem, account.publicKeyId, now),
    body,
  };
}

/** Alternating Alipay and WeChat Pay notifications, one per order. */
export function mixedNotifications(alipay: AlipayAccount, wechatpay: WechatpayAccount, orders: BenchOrder[]): NotifyRequest[] {
  return orders.map((order, i) => (i % 2 === 0 ? alipayNotifyRequest(alipay, order) : wechatpayNotifyRequest(wechatpay, order)));
}
