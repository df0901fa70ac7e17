import { fileURLToPath } from "node:url";
import { EdgeVM } from "@edge-runtime/vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { genericEvent, genericSignatureHeader } from "@/tests/helpers/generic-signer";
import { douyinPaymentMsg, signDouyinCallback } from "@/tests/helpers/douyin-signer";
import { makePaypalCertificate, paypalCaptureCompleted, signPaypal } from "@/tests/helpers/paypal-signer";
import { checkoutSession, generateWebhookSecret, stripeEvent, stripeSignatureHeader } from "@/tests/helpers/stripe-signer";
import { makeUnionpayChain, signUnionpayFields, unionpayConsumeNotify, unionpayFormBody } from "@/tests/helpers/unionpay-signer";
import {
  encryptWechatpayResource,
  generateApiV3Key,
  generateWechatpayKeyPair,
  signWechatpay,
  wechatpayEnvelope,
  wechatpayTransaction,
} from "@/tests/helpers/wechatpay-signer";
import { readFixture, tradeStatusSync } from "./alipay/fixtures";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

// Bundling for the browser platform fails on any node: import, and the Edge VM has no process/require/Buffer,
// so passing here is the proof that lib/core/channels can run in a Next.js edge route or middleware.
describe("lib/core/channels on the Edge runtime", () => {
  let vm: EdgeVM;

  beforeAll(async () => {
    const result = await build({
      entryPoints: ["lib/core/channels/index.ts"],
      absWorkingDir: repoRoot,
      tsconfig: "tsconfig.json",
      bundle: true,
      write: false,
      format: "iife",
      globalName: "channels",
      platform: "browser",
      target: "es2022",
      logLevel: "silent",
    });
    vm = new EdgeVM();
    vm.evaluate(result.outputFiles[0].text);
  });

  it("would fail to bundle a node: import, so the bundle below is Node-free", async () => {
    const bundleNodeImport = build({
      stdin: { contents: 'import { createHash } from "node:crypto"; export const h = createHash;', resolveDir: repoRoot },
      bundle: true,
      write: false,
      platform: "browser",
      logLevel: "silent",
    });
    await expect(bundleNodeImport).rejects.toThrow(/node:crypto/);
  });

  it("has no Node globals inside the VM", () => {
    expect(vm.evaluate("typeof process")).toBe("undefined");
    expect(vm.evaluate("typeof require")).toBe("undefined");
    expect(vm.evaluate("typeof Buffer")).toBe("undefined");
    expect(vm.evaluate("typeof channels.verifyAlipaySignature")).toBe("function");
  });

  it("verifies the real Alipay notify with Web Crypto and rejects a tampered copy", async () => {
    const pem = JSON.stringify(readFixture("trade_status_sync.alipay_public_key.pem"));
    const verify = (params: Record<string, string>) =>
      vm.evaluate<Promise<boolean>>(`channels.verifyAlipaySignature(${JSON.stringify(params)}, ${pem})`);
    expect(await verify(tradeStatusSync())).toBe(true);
    expect(await verify({ ...tradeStatusSync(), total_amount: "0.11" })).toBe(false);
  });

  it("parses and normalizes a raw body inside the VM", () => {
    const body = JSON.stringify(new URLSearchParams(tradeStatusSync()).toString());
    const json = vm.evaluate<string>(`JSON.stringify(channels.normalizeAlipayNotification(channels.parseAlipayForm(${body})))`);
    expect(JSON.parse(json).payment).toMatchObject({ amount: 10, receivedAt: "2019-08-15T07:56:24.000Z" });
  });

  // Runs an adapter's receive() inside the VM and reports only the outcome kind (and payment amount) back out.
  async function receiveInVm(adapter: string, input: { rawBody: string; headers: Record<string, string>; credentials: unknown }) {
    const json = await vm.evaluate<Promise<string>>(
      `channels.${adapter}.receive({ ...${JSON.stringify(input)}, now: new Date(${Date.now()}) })` +
        `.then((r) => JSON.stringify({ kind: r.kind, amount: r.kind === "accepted" ? r.notification.payment?.amount ?? null : null }))`,
    );
    return JSON.parse(json) as { kind: string; amount: number | null };
  }

  it("verifies and decrypts a WeChat Pay callback inside the VM and rejects a tampered copy", async () => {
    const keys = generateWechatpayKeyPair();
    const apiV3Key = generateApiV3Key();
    const credentials = { mchId: "1900000109", apiV3Key, platformPublicKey: keys.publicKeyPem, platformPublicKeyId: "PUB_KEY_ID_01" };
    const tx = wechatpayTransaction({ mchId: "1900000109", outTradeNo: "LD7K2M9QX4", total: 12800 });
    const rawBody = wechatpayEnvelope("TRANSACTION.SUCCESS", encryptWechatpayResource(apiV3Key, JSON.stringify(tx), "transaction"));
    const headers = signWechatpay(rawBody, keys.privateKeyPem, "PUB_KEY_ID_01");
    expect(await receiveInVm("wechatpayAdapter", { rawBody, headers, credentials })).toEqual({ kind: "accepted", amount: 12800 });
    expect((await receiveInVm("wechatpayAdapter", { rawBody: rawBody.replace("支付成功", "支付"), headers, credentials })).kind).toBe("rejected");
  });

  it("verifies Stripe, Douyin and generic HMAC/SHA-1 signatures inside the VM", async () => {
    const webhookSecret = generateWebhookSecret();
    const stripeBody = stripeEvent("checkout.session.completed", checkoutSession({ reference: "LD7K2M9QX4", amountTotal: 8800, currency: "jpy" }));
    const stripeHeaders = { "stripe-signature": stripeSignatureHeader(stripeBody, webhookSecret) };
    expect(await receiveInVm("stripeAdapter", { rawBody: stripeBody, headers: stripeHeaders, credentials: { webhookSecret } })).toEqual({ kind: "accepted", amount: 8800 });
    expect((await receiveInVm("stripeAdapter", { rawBody: stripeBody.replace("8800", "880"), headers: stripeHeaders, credentials: { webhookSecret } })).kind).toBe("rejected");

    const douyin = { appId: "tt07e3715e98c9aac0", token: "ldxp-douyin-token" };
    const douyinBody = signDouyinCallback(douyin.token, "payment", douyinPaymentMsg({ appId: douyin.appId, cpOrderno: "LD7K2M9QX4", totalAmount: 990 }));
    expect(await receiveInVm("douyinAdapter", { rawBody: douyinBody, headers: {}, credentials: douyin })).toEqual({ kind: "accepted", amount: 990 });
    expect((await receiveInVm("douyinAdapter", { rawBody: douyinBody, headers: {}, credentials: { ...douyin, token: "other" } })).kind).toBe("rejected");

    const secret = "generic-secret-0123456789";
    const genericBody = genericEvent({ transactionId: "PX-1", amount: 4200 });
    const genericHeaders = { "x-ldxp-signature": genericSignatureHeader(genericBody, secret) };
    expect(await receiveInVm("genericAdapter", { rawBody: genericBody, headers: genericHeaders, credentials: { secret } })).toEqual({ kind: "accepted", amount: 4200 });
    expect((await receiveInVm("genericAdapter", { rawBody: genericBody.replace("4200", "4201"), headers: genericHeaders, credentials: { secret } })).kind).toBe("rejected");
  });

  it("checks a UnionPay certificate chain and PayPal's certificate signature inside the VM", async () => {
    const chain = makeUnionpayChain();
    const credentials = { merId: "777290058110048", rootCertificate: chain.root.certPem, intermediateCertificate: chain.intermediate.certPem };
    const fields = signUnionpayFields(unionpayConsumeNotify({ merId: credentials.merId, orderId: "LD7K2M9QX4", txnAmt: "12800" }), chain.leaf);
    expect(await receiveInVm("unionpayAdapter", { rawBody: unionpayFormBody(fields), headers: {}, credentials })).toEqual({ kind: "accepted", amount: 12800 });
    expect((await receiveInVm("unionpayAdapter", { rawBody: unionpayFormBody({ ...fields, txnAmt: "1" }), headers: {}, credentials })).kind).toBe("rejected");

    const cert = makePaypalCertificate();
    const paypalBody = paypalCaptureCompleted({ reference: "LD7K2M9QX4", value: "19.99" });
    const paypalHeaders = signPaypal(paypalBody, "WH-ID", cert.keyPem);
    const paypalCredentials = { webhookId: "WH-ID", certificate: cert.certPem };
    expect(await receiveInVm("paypalAdapter", { rawBody: paypalBody, headers: paypalHeaders, credentials: paypalCredentials })).toEqual({ kind: "accepted", amount: 1999 });
    expect((await receiveInVm("paypalAdapter", { rawBody: paypalBody.replace("19.99", "9.99"), headers: paypalHeaders, credentials: paypalCredentials })).kind).toBe("rejected");
  });
});
