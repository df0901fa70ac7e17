// Sets up real merchants through the public HTTP API, the way an integrator would.
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams, toFormBody } from "../../helpers/alipay-signer";

export interface E2eMerchant {
  email: string;
  password: string;
  apiKey: string;
  appId: string;
  channelAccountId: string;
  privateKeyPem: string;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(++counter).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export async function signUpMerchantWithAlipay(request: APIRequestContext): Promise<E2eMerchant> {
  const id = unique();
  const email = `owner-${id}@example.cn`;
  const password = "correct horse battery";
  const signup = await request.post("/api/v1/signup", { data: { merchantName: `链动小铺 ${id}`, email, password } });
  expect(signup.status(), await signup.text()).toBe(201);
  const { apiKey } = (await signup.json()) as { apiKey: string };

  const keys = generateAlipayKeyPair();
  const appId = "2021000000000001";
  const account = await request.post("/api/v1/channel-accounts", {
    headers: { authorization: `Bearer ${apiKey}` },
    data: { channel: "alipay", name: "支付宝", credentials: { appId, alipayPublicKey: keys.publicKeyPem } },
  });
  expect(account.status(), await account.text()).toBe(201);
  const { id: channelAccountId } = (await account.json()) as { id: string };

  return { email, password, apiKey, appId, channelAccountId, privateKeyPem: keys.privateKeyPem };
}

export async function createOrder(
  request: APIRequestContext,
  merchant: E2eMerchant,
  body: Record<string, unknown> = {},
): Promise<{ reference: string; orderNo: string }> {
  const res = await request.post("/api/v1/checkout", {
    headers: { authorization: `Bearer ${merchant.apiKey}` },
    data: { orderNo: `WEB-${unique()}`, source: "web", amount: 12800, ...body },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { reference: string; orderNo: string };
}

/** An instant as Alipay writes it: Beijing wall time (now by default, so the payment counts towards the board's "today"). */
function beijingTime(at = new Date()): string {
  return new Date(at.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** Posts a correctly signed TRADE_SUCCESS notify for the order and checks Alipay would be satisfied. */
export async function postAlipayNotify(request: APIRequestContext, merchant: E2eMerchant, reference: string, totalAmount: string, paidAt?: Date) {
  const params = alipayPaymentNotify({ outTradeNo: reference, appId: merchant.appId, totalAmount, gmtPayment: beijingTime(paidAt) });
  const res = await request.post(`/api/webhooks/alipay/${merchant.channelAccountId}`, {
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    data: toFormBody(signAlipayParams(params, merchant.privateKeyPem)),
  });
  expect(res.status()).toBe(200);
  expect(await res.text()).toBe("success");
}

/** Posts a signed notify for a refund of `refundFee` on the order's earlier Alipay payment (refund_fee is Alipay's cumulative total). */
export async function postAlipayRefundNotify(request: APIRequestContext, merchant: E2eMerchant, reference: string, totalAmount: string, refundFee: string, outBizNo: string) {
  const now = Date.now();
  const params = alipayPaymentNotify({
    outTradeNo: reference,
    appId: merchant.appId,
    totalAmount,
    refundFee,
    outBizNo,
    gmtPayment: beijingTime(new Date(now - 120_000)),
    gmtRefund: `${beijingTime(new Date(now))}.000`,
  });
  const res = await request.post(`/api/webhooks/alipay/${merchant.channelAccountId}`, {
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    data: toFormBody(signAlipayParams(params, merchant.privateKeyPem)),
  });
  expect(res.status()).toBe(200);
  expect(await res.text()).toBe("success");
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
}

/** A flag on window survives client-side updates but not a reload: proof the page changed in place. */
export async function markDocument(page: Page) {
  await page.evaluate(() => Object.assign(window, { __ldxpNoReload: true }));
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __ldxpNoReload?: boolean }).__ldxpNoReload)).toBe(true);
}

/** Collects browser console errors (hydration mismatches, failed fetches) so a test can insist on none. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

