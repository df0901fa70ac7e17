import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// Port and data dir can be moved so two checkouts on one machine can run their browser tests at once.
const PORT = Number(process.env.E2E_PORT ?? 3311);
const DATA_DIR = process.env.E2E_DATA_DIR ?? ".data-e2e";

// Playwright starts webServer before globalSetup, so the embedded database is wiped here, at
// config load. Workers load this file again while the server holds the directory open: only the
// first load in the runner process may delete it (workers inherit the marker and see TEST_WORKER_INDEX).
if (!process.env.TEST_WORKER_INDEX && !process.env.LDXP_E2E_DATA_RESET) {
  fs.rmSync(path.resolve(DATA_DIR), { recursive: true, force: true });
  process.env.LDXP_E2E_DATA_RESET = "1";
}

export default defineConfig({
  testDir: "tests/e2e",
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 5_000 },
  outputDir: "test-results/artifacts",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: {
    // Node closes a connection idle for 5 s; a test's request context keeps its socket across seconds of browser
    // work and can send on one the server is closing (CI met `read ECONNRESET`). Idle sockets stay open longer
    // than any test here runs.
    command: `node_modules/.bin/next start -H 127.0.0.1 -p ${PORT} --keepAliveTimeout 120000`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      LDXP_DATA_DIR: DATA_DIR,
      AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-42",
      LOG_LEVEL: "warn",
      // Specs stand up storefront endpoints on 127.0.0.1.
      LDXP_WEBHOOK_ALLOW_PRIVATE: "1",
      // Every spec signs up its own merchants, far more than the sign-up limit's 20 an hour, under the
      // default limit: `next start` sees these requests come from loopback, which the limit leaves alone.
      // Only the report spec asks for reports: its merchant's third payment turns the click into a job.
      LDXP_REPORT_ASYNC_THRESHOLD: "2",
    },
  },
});
