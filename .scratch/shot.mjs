import { chromium } from "playwright-core";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto("http://127.0.0.1:3390/login");
await page.getByTestId("login-email").fill("demo@ldxp.local");
await page.getByTestId("login-password").fill("ldxp-demo-2026");
await page.getByTestId("login-submit").click();
await page.waitForURL(/board/);
for (const [path, file] of process.argv.slice(2).map((a) => a.split("="))) {
  await page.goto("http://127.0.0.1:3390" + path);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: file, fullPage: true });
}
await browser.close();
