// Self-service password change through its real entry points: the settings page form and the
// session route it posts to (/api/app/account/password).
import { expect, test } from "@playwright/test";
import { collectConsoleErrors, signIn, signUpMerchantWithAlipay } from "./support/merchant";

const NEW_PASSWORD = "a brand new passphrase";

test("a user changes their own password: this browser stays signed in, other sessions end, the old password stops working", async ({ browser, page, request }) => {
  test.setTimeout(120_000);
  const consoleErrors = collectConsoleErrors(page);
  const owner = await signUpMerchantWithAlipay(request);

  // A second session of the same user, in another browser.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, owner.email, owner.password);
  await expect(other).toHaveURL(/\/board$/, { timeout: 15_000 });

  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/board$/, { timeout: 15_000 });
  await page.goto("/settings/channels");
  await page.getByRole("link", { name: "我的账户" }).click();
  await expect(page).toHaveURL(/\/settings\/account$/);

  // Refusals in the contract's error shape, nothing changed.
  const wrong = await page.request.post("/api/app/account/password", { data: { currentPassword: "not my password", newPassword: NEW_PASSWORD } });
  expect(wrong.status()).toBe(403);
  expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("wrong_password");
  const short = await page.request.post("/api/app/account/password", { data: { currentPassword: owner.password, newPassword: "short" } });
  expect(short.status()).toBe(400);
  expect(((await short.json()) as { error: { code: string; message: string } }).error.message).toContain("newPassword");
  const anonymous = await request.post("/api/app/account/password", { data: { currentPassword: owner.password, newPassword: NEW_PASSWORD } });
  expect(anonymous.status()).toBe(401);

  // The form: a mismatch is caught in the browser, then the change goes through.
  await page.getByTestId("password-current").fill(owner.password);
  await page.getByTestId("password-next").fill(NEW_PASSWORD);
  await page.getByTestId("password-confirm").fill(`${NEW_PASSWORD}!`);
  await page.getByTestId("password-save").click();
  await expect(page.getByTestId("password-error")).toHaveText("两次输入的新密码不一致");
  await page.getByTestId("password-current").fill(owner.password);
  await page.getByTestId("password-next").fill(NEW_PASSWORD);
  await page.getByTestId("password-confirm").fill(NEW_PASSWORD);
  await page.getByTestId("password-save").click();
  await expect(page.getByTestId("password-saved")).toHaveText("密码已修改，其他登录已退出。", { timeout: 15_000 });
  await page.screenshot({ path: "test-results/account-password.png", fullPage: true });

  // This browser got a fresh session; the other one is signed out.
  expect((await page.request.get("/api/app/payments")).status()).toBe(200);
  await page.goto("/board");
  await expect(page).toHaveURL(/\/board$/);
  expect((await other.request.get("/api/app/payments")).status()).toBe(401);
  await other.goto("/board");
  await expect(other).toHaveURL(/\/login$/, { timeout: 15_000 });
  await signIn(other, owner.email, owner.password);
  await expect(other).toHaveURL(/\/login\?error=1$/, { timeout: 15_000 });
  await signIn(other, owner.email, NEW_PASSWORD);
  await expect(other).toHaveURL(/\/board$/, { timeout: 15_000 });
  await otherContext.close();

  // Guessing the current password through a live session is throttled like the login: five misses lock the account.
  for (let i = 0; i < 5; i++) {
    const miss = await page.request.post("/api/app/account/password", { data: { currentPassword: `guess ${i}`, newPassword: "another passphrase 1" } });
    expect(miss.status()).toBe(403);
  }
  const locked = await page.request.post("/api/app/account/password", { data: { currentPassword: NEW_PASSWORD, newPassword: "another passphrase 1" } });
  expect(locked.status()).toBe(429);
  expect(((await locked.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
  expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(0);
  expect(consoleErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
});
