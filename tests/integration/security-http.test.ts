import { describe, expect, it } from "vitest";
import { POST as acknowledgeRoute } from "@/app/api/v1/anomalies/[anomalyId]/acknowledge/route";
import { GET as getAnomaly } from "@/app/api/v1/anomalies/[anomalyId]/route";
import { DELETE as revokeKey } from "@/app/api/v1/api-keys/[keyId]/route";
import { POST as createKey } from "@/app/api/v1/api-keys/route";
import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { POST as checkoutRoute } from "@/app/api/v1/checkout/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { GET as listOrders } from "@/app/api/v1/orders/route";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { GET as getPayment } from "@/app/api/v1/payments/[paymentId]/route";
import { GET as listPayments } from "@/app/api/v1/payments/route";
import { PUT as putToleranceRules } from "@/app/api/v1/settings/tolerance-rules/route";
import { POST as storefrontRoute } from "@/app/api/v1/settings/storefront-webhook/route";
import { POST as signupRoute } from "@/app/api/v1/signup/route";
import { POST as statementsRoute } from "@/app/api/v1/statements/route";
import { call, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

setupTestDatabase();
type H = Parameters<typeof call>[0];

const MB = 1024 * 1024;
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

/** Routes that take a JSON body, with the path params they need. */
const JSON_ROUTES: [string, unknown, Record<string, string>][] = [
  ["signup", signupRoute, {}],
  ["checkout", checkoutRoute, {}],
  ["api-keys", createKey, {}],
  ["channel-accounts", createChannelAccount, {}],
  ["payments/match", matchRoute, { paymentId: ZERO_UUID }],
  ["anomalies/acknowledge", acknowledgeRoute, { anomalyId: ZERO_UUID }],
  ["tolerance-rules", putToleranceRules, {}],
  ["storefront-webhook", storefrontRoute, {}],
];

const SQL_OR_STACK = /\n\s+at |\bat [\w.<>]+ \(|\.ts:\d+|node_modules|\b(select|insert|update|delete)\b.+\b(from|into|set|where)\b|syntax error|violates|relation "|column "|duplicate key|drizzle|postgres|pglite/i;

/** The contract's error shape and nothing else: no stack, no SQL, no driver names. */
function expectCleanError(res: { status: number; text: string; json: unknown }, label: string) {
  expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${label}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(res.json, label).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  expect(res.text, label).not.toMatch(SQL_OR_STACK);
}

describe(`HTTP hardening (${process.env.TEST_DB})`, () => {
  it("a JSON body above 1 MB is refused with 413 on every JSON route, counted in bytes not characters", async () => {
    const m = await merchantWithAlipay();
    const ascii = JSON.stringify({ name: "x".repeat(MB) });
    // 400 000 CJK characters: under a million characters, but 1.2 MB of UTF-8.
    const cjk = JSON.stringify({ name: "链".repeat(400_000) });
    for (const [name, handler, params] of JSON_ROUTES) {
      for (const [kind, rawBody] of [["ascii", ascii], ["cjk", cjk]]) {
        const res = await call(handler as H, { apiKey: m.apiKey, params, rawBody, headers: { "content-type": "application/json" } });
        expect(res.status, `${name} ${kind}: ${res.text.slice(0, 200)}`).toBe(413);
        expect(res.json.error.code).toBe("payload_too_large");
      }
    }
  });

  it("a JSON route given another content type answers 415", async () => {
    const m = await merchantWithAlipay();
    for (const [name, handler, params] of JSON_ROUTES) {
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"]) {
        const res = await call(handler as H, { apiKey: m.apiKey, params, rawBody: '{"name":"x"}', headers: { "content-type": type } });
        expect(res.status, `${name} ${type}: ${res.text}`).toBe(415);
        expectCleanError(res, `${name} ${type}`);
      }
    }
  });

  it("garbage bodies and ids get a clean 4xx: no stack trace, no SQL, only { error: { code, message } }", async () => {
    const m = await merchantWithAlipay();
    const garbage = [
      "{",
      "null",
      "[]",
      '"just a string"',
      '{"amount":"1e309"}',
      '{"amount":1e309,"orderNo":"A","source":"web"}',
      '{"orderNo":"\\u0000","source":"web","amount":100}',
      `{"orderNo":"x'; drop table orders; --","source":"web","amount":-1}`,
      '{"orderNo":"A","source":"web","amount":100,"currency":"\\ud800"}',
      '{"allocations":[{"reference":"\\u0000","amount":1}]}',
      '{"allocations":"all"}',
      '{"__proto__":{"admin":true},"name":{}}',
      JSON.stringify({ name: Array.from({ length: 2000 }, () => []) }),
      "[".repeat(5000) + "]".repeat(5000),
    ];
    for (const [name, handler, params] of JSON_ROUTES) {
      for (const rawBody of garbage) {
        const res = await call(handler as H, { apiKey: m.apiKey, params, rawBody, headers: { "content-type": "application/json" } });
        if (res.status < 400) continue; // a body some route happens to accept is not garbage to it
        expectCleanError(res, `${name} ${rawBody.slice(0, 40)}`);
      }
    }

    // U+0000 cannot be stored in PostgreSQL text: it must be a 400 naming the field, not a database error.
    const nul = await call(checkoutRoute as unknown as H, {
      apiKey: m.apiKey,
      rawBody: '{"orderNo":"A\\u0000B","source":"web","amount":100,"customer":{"name":"x\\u0000"}}',
      headers: { "content-type": "application/json" },
    });
    expect(nul.status, nul.text).toBe(400);
    expect(nul.json.error.message).toMatch(/^(orderNo|customer\.name): /);

    const badIds = ["not-a-uuid", "'; select 1; --", "\u0000", "%00", "../../etc/passwd", "0".repeat(500), "😀", ZERO_UUID];
    for (const id of badIds) {
      for (const [name, handler, params, method] of [
        ["payment", getPayment, { paymentId: id }, "GET"],
        ["anomaly", getAnomaly, { anomalyId: id }, "GET"],
        ["order", getOrder, { reference: id }, "GET"],
        ["api-key", revokeKey, { keyId: id }, "DELETE"],
      ] as const) {
        const res = await call(handler as unknown as H, { method, apiKey: m.apiKey, params });
        expect(res.status, `${name} ${JSON.stringify(id)}: ${res.text}`).toBe(404);
        expectCleanError(res, `${name} ${JSON.stringify(id)}`);
      }
    }

    for (const [name, handler, query] of [
      ["orders", listOrders, "status=' or 1=1 --&from=yesterday&to=%00"],
      ["payments", listPayments, "status=matched&from=2026-13-45&channel=\u0000"],
    ] as const) {
      const res = await call(handler as unknown as H, { method: "GET", apiKey: m.apiKey, path: `/api/v1/${name}?${query}` });
      expectCleanError(res, name);
    }

    const statement = await call(statementsRoute as unknown as H, {
      apiKey: m.apiKey,
      path: `/api/v1/statements?channelAccountId=${m.accountId}&format=cmb-csv`,
      rawBody: "\u0000\u0001 not a statement at all",
      headers: { "content-type": "text/csv" },
    });
    expectCleanError(statement, "statements");
  });
});
