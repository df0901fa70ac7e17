import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { POST as checkoutRoute } from "@/app/api/v1/checkout/route";
import { POST as signupRoute } from "@/app/api/v1/signup/route";
import { POST as importStatementRoute } from "@/app/api/v1/statements/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { toGbk } from "../fixtures/statements/cn-exports";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams, toFormBody } from "./alipay-signer";

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export const BASE = "http://127.0.0.1:3000";

/** Calls a route handler the way Next.js does, returning status and parsed body. */
export async function call(
  handler: Handler,
  opts: {
    method?: string;
    path?: string;
    body?: unknown;
    rawBody?: string;
    apiKey?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] ??= "application/json";
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const request = new Request(`${BASE}${opts.path ?? "/"}`, {
    method: opts.method ?? "POST",
    headers,
    body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const res = await handler(request, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json, headers: res.headers };
}

let counter = 0;

/** Signs up a fresh merchant with an Alipay account whose key pair the test holds. */
export async function merchantWithAlipay() {
  const n = `${Date.now().toString(36)}${++counter}${Math.random().toString(36).slice(2, 6)}`;
  const signup = await call(signupRoute as Handler, {
    body: { merchantName: `链动小铺 ${n}`, email: `owner-${n}@example.cn`, password: "correct horse battery" },
  });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.text}`);
  const keys = generateAlipayKeyPair();
  const appId = `2021${String(counter).padStart(12, "0")}`;
  const account = await call(createChannelAccount as Handler, {
    apiKey: signup.json.apiKey,
    body: { channel: "alipay", name: "支付宝主账户", credentials: { appId, alipayPublicKey: keys.publicKeyPem } },
  });
  if (account.status !== 201) throw new Error(`channel account failed: ${account.text}`);
  return { apiKey: signup.json.apiKey as string, merchantId: signup.json.merchantId as string, appId, keys, accountId: account.json.id as string };
}

/** merchantWithAlipay plus a bank account (招商银行), for statement imports. */
export async function bankMerchant() {
  const m = await merchantWithAlipay();
  const res = await call(createChannelAccount as Handler, {
    apiKey: m.apiKey,
    body: { channel: "bank", name: "招商银行", credentials: { bankName: "招商银行", accountNo: "755912345610101" } },
  });
  if (res.status !== 201) throw new Error(`bank account failed: ${res.text}`);
  return { ...m, bankId: res.json.id as string };
}

/** Creates an order through the checkout route. */
export async function createOrder(apiKey: string, body: Record<string, unknown> = {}) {
  const res = await call(checkoutRoute as Handler, {
    apiKey,
    body: { orderNo: `WEB-${Date.now()}-${++counter}`, source: "web", amount: 12800, ...body },
  });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${res.text}`);
  return res.json;
}

/** Posts a signed Alipay TRADE_SUCCESS notify (`totalAmount` in yuan) to the merchant's Alipay account through the real webhook route. */
export async function payWithAlipay(m: Awaited<ReturnType<typeof merchantWithAlipay>>, outTradeNo: string, totalAmount: string) {
  const form = toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo, appId: m.appId, totalAmount }), m.keys.privateKeyPem));
  return call(webhookRoute as unknown as Handler, {
    path: `/api/webhooks/alipay/${m.accountId}`,
    params: { channel: "alipay", channelAccountId: m.accountId },
    rawBody: form,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
  });
}

/** Uploads a CMB statement through the statements route, GBK-encoded as the bank exports it. */
export async function importCmbStatement(apiKey: string, accountId: string, csv: string) {
  const request = new Request(`${BASE}/api/v1/statements?channelAccountId=${accountId}&format=cmb-csv`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/csv" },
    body: Buffer.from(toGbk(csv)),
  });
  const res = await (importStatementRoute as Handler)(request, { params: Promise.resolve({}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  return { status: res.status, json: (await res.json()) as any };
}
