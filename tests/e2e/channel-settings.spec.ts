import { expect, test } from "@playwright/test";
import { generateAlipayKeyPair } from "../helpers/alipay-signer";
import { collectConsoleErrors, createOrder, postAlipayNotify, signIn, signUpMerchantWithAlipay } from "./support/merchant";

interface AccountView {
  id: string;
  channel: string;
  name: string;
  webhookUrl: string;
}

test("the owner adds an Alipay account in 设置 › 收款渠道; a bad key is refused and stores nothing; the new account's notify pays an order", async ({ page, request }) => {
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
  await expect(form.getByRole("alert")).toContainText("credentials.alipayPublicKey");
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
  const order = await createOrder(request, merchant, { amount: 6600 });
  await postAlipayNotify(request, { ...merchant, appId: "2021000000000002", channelAccountId: added!.id, privateKeyPem: keys.privateKeyPem }, order.reference, "66.00");
  const paid = await request.get(`/api/v1/orders/${order.reference}`, { headers: auth });
  expect(((await paid.json()) as { status: string }).status).toBe("paid");
  // The browser logs the refused key's 400 itself; nothing else may fail.
  expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
});

test("an accountant sees the channel accounts but no form, and is refused with 403 when posting one", async ({ browser, request }) => {
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
  const forced = await page.request.post("/api/app/channel-accounts", {
    data: { channel: "bank", name: "私户", credentials: { bankName: "招商银行", accountNo: "6214830000000001" } },
  });
  expect(forced.status()).toBe(403);
  expect(((await forced.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  const list = (await (await request.get("/api/v1/channel-accounts", { headers: auth })).json()) as { data: unknown[] };
  expect(list.data).toHaveLength(1);
  await context.close();
});
