import { expect, test } from "@playwright/test";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { makePaypalCertificate } from "../helpers/paypal-signer";
import { collectConsoleErrors, createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

interface AccountView {
  id: string;
  channel: string;
  name: string;
  webhookUrl: string;
}

test("the owner adds an Alipay account in 设置 › 收款渠道 (a bad key is refused and stores nothing), its notify pays an order; renewing its key and disabling it take effect at once", async ({ page, request }) => {
  const consoleErrors = collectConsoleErrors(page);
  const merchant = await signUpMerchantWithAlipay(request);
  const auth = { authorization: `Bearer ${merchant.apiKey}` };
  const accounts = async () => ((await (await request.get("/api/v1/channel-accounts", { headers: auth })).json()) as { data: AccountView[] }).data;
  expect(await accounts()).toHaveLength(1);

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings/channels");
  const form = page.getByTestId("channel-account-form");
  await expect(form).toBeVisible();

  // A key that is not one: the server's message, and no account.
  await page.getByTestId("channel-account-name").fill("支付宝 备用");
  await page.getByTestId("channel-credential-appId").fill("2021000000000002");
  await page.getByTestId("channel-credential-alipayPublicKey").fill("-----BEGIN PUBLIC KEY-----\nthis is not a key at all\n-----END PUBLIC KEY-----");
  await page.getByTestId("channel-account-add").click();
  await expect(form.getByRole("alert")).toContainText("支付宝公钥填写不正确");
  expect(await accounts()).toHaveLength(1);

  // A real key: added, listed with its notification URL, the secret fields emptied.
  const keys = generateAlipayKeyPair();
  await page.getByTestId("channel-credential-alipayPublicKey").fill(keys.publicKeyPem);
  await page.getByTestId("channel-account-add").click();
  await expect(form.getByRole("status")).toHaveText("已添加");
  await expect(page.getByTestId("channel-credential-alipayPublicKey")).toHaveValue("");
  const added = (await accounts()).find((a) => a.name === "支付宝 备用");
  expect(added?.channel).toBe("alipay");
  const row = page.getByTestId(`channel-account-${added!.id}`);
  await expect(row).toContainText("支付宝 备用");
  await expect(row.getByTestId("channel-webhook-url")).toContainText(added!.webhookUrl);

  // Switching the channel asks for that channel's fields.
  await page.getByTestId("channel-account-channel").selectOption("bank");
  await expect(page.getByTestId("channel-credential-accountNo")).toBeVisible();
  await expect(page.getByTestId("channel-credential-appId")).toHaveCount(0);
  await page.screenshot({ path: "test-results/settings-channels.png", fullPage: true });

  // The account added in the browser takes Alipay's signed notifications.
  const viaAdded = { ...merchant, appId: "2021000000000002", channelAccountId: added!.id };
  const order = await createOrder(request, merchant, { amount: 6600 });
  await postAlipayNotify(request, { ...viaAdded, privateKeyPem: keys.privateKeyPem }, order.reference, "66.00");
  const status = async (reference: string) =>
    ((await (await request.get(`/api/v1/orders/${reference}`, { headers: auth })).json()) as { status: string }).status;
  expect(await status(order.reference)).toBe("paid");

  // Alipay renewed the key: only that field is filled in; the app ID stays; the old key's notify is refused.
  const renewed = generateAlipayKeyPair();
  await row.getByTestId("channel-account-renew").click();
  await expect(row.getByTestId("channel-account-renew-save")).toBeDisabled();
  await row.getByTestId("renew-credential-alipayPublicKey").fill(renewed.publicKeyPem);
  await row.getByTestId("channel-account-renew-save").click();
  await expect(row.getByTestId("channel-account-message")).toHaveText("已更新");
  const second = await createOrder(request, merchant, { amount: 4400 });
  const signedWith = (privateKeyPem: string) =>
    request.post(`/api/webhooks/alipay/${added!.id}`, {
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      data: toFormBody(signAlipayParams(alipayPaymentNotify({ outTradeNo: second.reference, appId: viaAdded.appId, totalAmount: "44.00" }), privateKeyPem)),
    });
  expect((await signedWith(keys.privateKeyPem)).status()).not.toBe(200);
  expect(await status(second.reference)).toBe("pending");

  // Disabled (after a confirmation), the account refuses even a good notify; enabled again, it takes it.
  await row.getByTestId("channel-account-disable").click();
  await row.getByTestId("channel-account-disable-confirm").click();
  await expect(row.getByTestId("channel-account-disabled")).toHaveText("已停用");
  expect((await signedWith(renewed.privateKeyPem)).status()).toBe(404);
  await row.getByTestId("channel-account-enable").click();
  await expect(row.getByTestId("channel-account-disabled")).toHaveCount(0);
  expect(await (await signedWith(renewed.privateKeyPem)).text()).toBe("success");
  expect(await status(second.reference)).toBe("paid");
  // The browser logs the refused key's 400 itself; nothing else may fail.
  expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
});

test("an accountant sees the channel accounts but no form or actions, and is refused with 403 when adding or disabling one", async ({ browser, request }) => {
  const owner = await signUpMerchantWithAlipay(request);
  const auth = { authorization: `Bearer ${owner.apiKey}` };
  const email = `accountant-${Date.now().toString(36)}@example.cn`;
  const created = await request.post("/api/v1/team", { headers: auth, data: { email, role: "accountant", password: "accountant password 42" } });
  expect(created.status(), await created.text()).toBe(201);

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, "accountant password 42");
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings/channels");
  await expect(page.getByTestId(`channel-account-${owner.channelAccountId}`)).toBeVisible();
  await expect(page.getByTestId("channel-account-form")).toHaveCount(0);
  await expect(page.getByTestId("channel-account-disable")).toHaveCount(0);
  await expect(page.getByTestId("channel-account-renew")).toHaveCount(0);
  const forcedDisable = await page.request.patch(`/api/app/channel-accounts/${owner.channelAccountId}`, { data: { disabled: true } });
  expect(forcedDisable.status()).toBe(403);
  const forced = await page.request.post("/api/app/channel-accounts", {
    data: { channel: "bank", name: "私户", credentials: { bankName: "招商银行", accountNo: "6214830000000001" } },
  });
  expect(forced.status()).toBe(403);
  expect(((await forced.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  const list = (await (await request.get("/api/v1/channel-accounts", { headers: auth })).json()) as { data: unknown[] };
  expect(list.data).toHaveLength(1);
  await context.close();
});

test("an account whose certificate lapses within 30 days is flagged on 设置 › 收款渠道 and, after the sweep, on 异常; one good for a year just shows its date", async ({ page, request }) => {
  const merchant = await signUpMerchantWithAlipay(request);
  const auth = { authorization: `Bearer ${merchant.apiKey}` };
  const paypal = async (name: string, days: number) => {
    const res = await request.post("/api/v1/channel-accounts", {
      headers: auth,
      data: { channel: "paypal", name, credentials: { webhookId: "4JH86294D6297924G", certificate: makePaypalCertificate(days).certPem } },
    });
    expect(res.status(), await res.text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const soon = await paypal("PayPal 快到期", 10);
  const later = await paypal("PayPal 正常", 400);

  await signIn(page, merchant.email, merchant.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings/channels");
  const soonExpiry = page.getByTestId(`channel-account-${soon}`).getByTestId("channel-certificates-expiry");
  await expect(soonExpiry).toContainText(/证书 \d 天后到期/);
  await expect(soonExpiry).toHaveAttribute("role", "alert");
  const laterExpiry = page.getByTestId(`channel-account-${later}`).getByTestId("channel-certificates-expiry");
  await expect(laterExpiry).toContainText(/^证书有效期至 \d{4}-\d{2}-\d{2}$/);
  await expect(laterExpiry).not.toHaveAttribute("role", "alert");
  // Alipay verifies with a public key: no certificate date.
  await expect(page.getByTestId(`channel-account-${merchant.channelAccountId}`).getByTestId("channel-certificates-expiry")).toHaveCount(0);

  // The sweep turns the lapsing one (only) into an anomaly on the exceptions page.
  const swept = await request.post("/api/v1/jobs/anomaly-sweep", { headers: auth });
  expect(swept.status(), await swept.text()).toBe(200);
  await page.goto("/anomalies");
  await expect(page.getByText("证书即将过期")).toHaveCount(1);
  await expect(page.getByText(/PayPal 快到期」的证书将于 \d{4}-\d{2}-\d{2} 过期/)).toBeVisible();
  await page.getByTestId("anomaly-channel-link").click();
  await expect(page).toHaveURL(/\/settings\/channels$/);
});
