import { expect, test, type APIRequestContext } from "@playwright/test";
import { cmbStatement, createBankAccount, importCmbStatement } from "./support/bank";
import { collectConsoleErrors, createOrder, signIn, signUpMerchantWithAlipay, type E2eMerchant } from "./support/merchant";

/** A bank credit of exactly one open order's amount but no reference: the engine suggests, a person decides. */
async function suggestedBankPayment(request: APIRequestContext, merchant: E2eMerchant): Promise<string> {
  const bankAccountId = await createBankAccount(request, merchant, { bankName: "招商银行", accountNo: "755900002222333" });
  await createOrder(request, merchant, { amount: 8800, description: "茶叶礼盒" });
  const { payments } = await importCmbStatement(
    request,
    merchant,
    bankAccountId,
    cmbStatement({ serial: `R${Date.now()}`, amount: "88.00", payerName: "李娜", payerAccount: "6214830099997777", memo: "货款" }),
  );
  expect(payments).toHaveLength(1);
  expect(payments[0].status).toBe("suggested");
  return payments[0].paymentId;
}

test("a viewer sees the workbench read-only and is refused with 403 when forcing an action; the owner manages the team", async ({ browser, page, request }) => {
  test.setTimeout(120_000);
  const consoleErrors = collectConsoleErrors(page);
  const owner = await signUpMerchantWithAlipay(request);
  const auth = { authorization: `Bearer ${owner.apiKey}` };
  const paymentId = await suggestedBankPayment(request, owner);

  const viewerEmail = `viewer-${Date.now().toString(36)}@example.cn`;
  const viewerPassword = "viewer password 42";
  const created = await request.post("/api/v1/team", { headers: auth, data: { email: viewerEmail, role: "viewer", password: viewerPassword } });
  expect(created.status(), await created.text()).toBe(201);

  // The viewer, in a browser of their own.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signIn(viewer, viewerEmail, viewerPassword);
  await expect(viewer).toHaveURL(/\/board$/, { timeout: 15_000 });
  await expect(viewer.getByRole("link", { name: "团队" })).toHaveCount(0);
  await viewer.goto(`/payments/${paymentId}`);
  await expect(viewer.getByTestId("payment-status")).toHaveText("待确认", { timeout: 15_000 });
  await expect(viewer.getByTestId("suggestion-0")).toBeVisible();
  await expect(viewer.getByTestId("payment-read-only")).toBeVisible();
  await expect(viewer.getByTestId("suggestion-confirm-0")).toHaveCount(0);
  await expect(viewer.getByTestId("suggestions-reject")).toHaveCount(0);
  await expect(viewer.getByTestId("manual-match-form")).toHaveCount(0);
  await expect(viewer.getByTestId("payment-ignore-open")).toHaveCount(0);
  await expect(viewer.getByTestId("payment-ignore-form")).toHaveCount(0);

  // Forcing the action with the viewer's own session cookie: refused, in the contract's error shape, nothing changed.
  for (const [path, data] of [["confirm", { index: 0 }], ["reject", {}], ["match", { allocations: [] }], ["unmatch", {}], ["ignore", { reason: "银行利息" }]] as const) {
    const forced = await viewer.request.post(`/api/app/payments/${paymentId}/${path}`, { data });
    expect(forced.status(), path).toBe(403);
    expect(((await forced.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  }
  const team = await viewer.request.get("/api/app/team");
  expect(team.status()).toBe(403);
  await viewer.goto("/settings/team");
  await expect(viewer.getByTestId("team-forbidden")).toBeVisible();
  const still = await request.get(`/api/v1/payments/${paymentId}`, { headers: auth });
  expect(((await still.json()) as { status: string }).status).toBe("suggested");

  // The owner sees the same payment with its actions, then manages the team.
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto(`/payments/${paymentId}`);
  await expect(page.getByTestId("suggestion-confirm-0")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("payment-read-only")).toHaveCount(0);

  // The team page sits under settings since the settings pages got their own navigation.
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "设置" }).click();
  await page.getByRole("link", { name: "团队" }).click();
  await expect(page).toHaveURL(/\/settings\/team$/, { timeout: 15_000 });
  await expect(page.getByTestId(`team-role-${owner.email}`)).toHaveValue("owner");
  await expect(page.getByTestId(`team-role-${viewerEmail}`)).toHaveValue("viewer");

  // The only owner cannot demote themself.
  await page.getByTestId(`team-role-${owner.email}`).selectOption("viewer");
  await expect(page.getByTestId("team-error")).toContainText("商户至少需要一位所有者", { timeout: 15_000 });
  await expect(page.getByTestId(`team-role-${owner.email}`)).toHaveValue("owner");

  const accountantEmail = `acct-${Date.now().toString(36)}@example.cn`;
  await page.getByTestId("team-add-email").fill(accountantEmail);
  await page.getByTestId("team-add-name").fill("王会计");
  await page.getByTestId("team-add-role").selectOption("accountant");
  await page.getByTestId("team-add-submit").click();
  await expect(page.getByTestId("team-initial-password")).toContainText(accountantEmail, { timeout: 15_000 });
  await expect(page.getByTestId(`team-role-${accountantEmail}`)).toHaveValue("accountant");

  // Promote the viewer: their very next request acts with the new role, no new sign-in needed.
  await page.getByTestId(`team-role-${viewerEmail}`).selectOption("accountant");
  await expect.poll(async () => {
    const members = await request.get("/api/v1/team", { headers: auth });
    return ((await members.json()) as { data: { email: string; role: string }[] }).data.find((m) => m.email === viewerEmail)?.role;
  }).toBe("accountant");
  await viewer.goto(`/payments/${paymentId}`);
  await expect(viewer.getByTestId("suggestion-confirm-0")).toBeVisible({ timeout: 15_000 });

  // A password reset ends the member's sessions: the old cookie is refused, the sign-in page shows (no redirect loop),
  // and the new password, shown once to the owner, signs them in again.
  expect((await viewer.request.get("/api/app/payments")).status()).toBe(200);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId(`team-reset-${viewerEmail}`).click();
  await expect(page.getByTestId("team-new-password")).toContainText(viewerEmail, { timeout: 15_000 });
  const newPassword = (await page.getByTestId("team-new-password-value").textContent()) ?? "";
  expect(newPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
  expect((await viewer.request.get("/api/app/payments")).status()).toBe(401);
  await viewer.goto("/board");
  await expect(viewer).toHaveURL(/\/login$/, { timeout: 15_000 });
  await signIn(viewer, viewerEmail, viewerPassword);
  await expect(viewer).toHaveURL(/\/login\?error=1$/, { timeout: 15_000 });
  await signIn(viewer, viewerEmail, newPassword);
  await expect(viewer).toHaveURL(/\/board$/, { timeout: 15_000 });

  // Removing a member ends their session at once.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByTestId(`team-remove-${viewerEmail}`).click();
  await expect(page.getByTestId(`team-row-${viewerEmail}`)).toHaveCount(0, { timeout: 15_000 });
  const afterRemoval = await viewer.request.get("/api/app/payments");
  expect(afterRemoval.status()).toBe(401);
  await viewer.goto("/payments");
  await expect(viewer).toHaveURL(/\/login$/, { timeout: 15_000 });
  await viewerContext.close();
  await page.screenshot({ path: "test-results/team-settings.png", fullPage: true });
  // The refused self-demotion is a 409 the page shows; the browser also logs it as a failed resource.
  expect(consoleErrors.filter((e) => !/status of 409/.test(e))).toEqual([]);
});
