// Every route handler under app/api, found on disk (a new route is covered the day it lands), called
// with malformed input — bodies, path params, query strings, content types — signed in (an API key
// for /api/v1, a session for /api/app) and not. Nothing a client sends may make a route answer 5xx,
// and every refusal from our API is the contract's error shape with no stack, SQL or driver name.
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { payments, users } from "@/lib/db/schema";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { bankMerchant, BASE, createOrder, importCmbStatement } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; merchantId: string; passwordStamp: string; signedInAt: number } } }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const t = setupTestDatabase();

const API_DIR = path.resolve(__dirname, "../../app/api");
// next-auth's own handler and Inngest's serve endpoint are the libraries' surfaces, tested by them.
const SKIPPED = new Set(["auth/[...nextauth]", "inngest"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeDirs(dir = API_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory()) return [];
    const sub = path.join(dir, e.name);
    return [...(fs.existsSync(path.join(sub, "route.ts")) ? [path.relative(API_DIR, sub)] : []), ...routeDirs(sub)];
  });
}

const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
// Shaped like an id but not one (36 characters of hex digits and hyphens): must be refused before it reaches a uuid column.
const NOT_QUITE_UUID = "-".repeat(36);
const PARAM_VALUES = ["x", ZERO_UUID, NOT_QUITE_UUID, "..%2F..%2Fetc", "%", "a".repeat(300), "ＡＢＣ１２３", "1' or '1'='1", "\u0000", "😀"];
const QUERIES = [
  "",
  "?limit=-1&cursor=%25%25%25&from=2026-99-99&to=x&status=zzz&channel=zzz&source=zzz&view=zzz&format=zzz&encoding=zzz&area=zzz&actor=zzz",
  `?limit=99999999999999999999&cursor=${"A".repeat(3000)}&q=${encodeURIComponent("%_\\'\"\u0000")}`,
  "?from=2026-02-30&to=2025-01-01&q=%C0%AF",
  "?from=2026-01-01T00:00:00%2B08:00&to=2026-12-31&limit=1&cursor=MjAyNi0wMS0wMXx4",
  "?status=pending&view=pending&channel=bank&format=kingdee&encoding=gbk&from=9999-12-31",
  `?statementId=${NOT_QUITE_UUID}&cursor=${Buffer.from(`2026-01-01T00:00:00.000Z|${NOT_QUITE_UUID}`).toString("base64url")}`,
  // Cursors and times JavaScript reads but PostgreSQL cannot store (year 0, before year 1, past 9999).
  ...["0000-01-01T00:00:00.000Z", "-001000-01-01T00:00:00.000Z", "+275000-01-01T00:00:00.000Z"].map((at) => `?cursor=${Buffer.from(`${at}|${ZERO_UUID}`).toString("base64url")}`),
  "?from=0000-01-01T00:00:00Z&to=0000-01-01T00:00:00Z",
  "?from=0000-01-01&to=+275000-01-01T00:00:00Z",
  "?from=2026-01-01T00:00:00&to=2026-01-01T08:00",
];
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const JSON_BODIES = [
  "",
  "{",
  "null",
  "[]",
  '"text"',
  "{}",
  "1e400",
  deep(20_000),
  '{"a":"\\u0000"}',
  JSON.stringify({
    amount: "abc",
    orderNo: 123,
    source: "mars",
    allocations: "x",
    index: -1,
    rules: {},
    role: "god",
    email: 1,
    password: [],
    channel: "nope",
    credentials: "x",
    url: "javascript:alert(1)",
    orders: [{}],
    note: { a: 1 },
  }),
  JSON.stringify({ amount: 1e300, allocations: [{ reference: "A".repeat(70), amount: -5 }], index: 1e20, rules: [{ name: "", maxShortfallFen: -1 }], orders: Array(3).fill({ orderNo: "", amount: 0 }) }),
  JSON.stringify({ allocations: [{ reference: "\u0000", amount: 1 }], rules: [null], accounts: { receivable: { code: "\u0000" } }, paymentIds: ["x", ZERO_UUID] }),
];
const OTHER_BODIES: [string, string | Uint8Array][] = [
  ["text/csv", "交易日期,金额\n2026-13-45,abc\n"],
  ["application/octet-stream", Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)],
  ["application/x-www-form-urlencoded", "sign=%%%&out_trade_no=&total_amount=-1&app_id=\u0000"],
  ["multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\u0000\u0001\r\n--x--"],
  ["application/xml", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"],
];

const LEAK = /\n\s+at |\bat [\w.<>]+ \(|\.ts:\d+|node_modules|\b(select|insert|update|delete)\b.+\b(from|into|set|where)\b|syntax error|violates|relation "|column "|duplicate key|drizzle|postgres|pglite/i;

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Route {
  dir: string;
  methods: [string, Handler][];
  params: string[];
}

let routes: Route[] = [];
let apiKey = "";
let ownerSession: typeof session.current = null;
let merchant: Awaited<ReturnType<typeof bankMerchant>>;

beforeAll(async () => {
  const m = await bankMerchant();
  merchant = m;
  apiKey = m.apiKey;
  const [owner] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
  ownerSession = { user: { id: owner.id, merchantId: m.merchantId, passwordStamp: passwordStamp(owner.passwordHash), signedInAt: Math.floor(Date.now() / 1000) } };
  session.current = ownerSession;
  routes = [];
  for (const dir of routeDirs().sort()) {
    if (SKIPPED.has(dir)) continue;
    const mod = (await import(path.join(API_DIR, dir, "route.ts"))) as Record<string, unknown>;
    const methods = METHODS.filter((m) => typeof mod[m] === "function").map((m) => [m, mod[m] as Handler] as [string, Handler]);
    routes.push({ dir, methods, params: [...dir.matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]) });
  }
}, 120_000);

const urlOf = (dir: string, params: Record<string, string>, query: string) =>
  `${BASE}/api/${dir.replace(/\[([^\]]+)\]/g, (_, k: string) => encodeURIComponent(params[k]))}${query}`;

async function send(route: Route, method: string, handler: Handler, p: { params: Record<string, string>; query?: string; body?: string | Uint8Array; type?: string; auth: boolean }) {
  const headers: Record<string, string> = {};
  if (p.auth) headers.authorization = `Bearer ${apiKey}`;
  if (p.type) headers["content-type"] = p.type;
  const reads = method === "GET" || method === "DELETE";
  const request = new Request(urlOf(route.dir, p.params, p.query ?? ""), { method, headers, body: reads ? undefined : (p.body as BodyInit | undefined) });
  let res: Response;
  try {
    res = await handler(request, { params: Promise.resolve(p.params) });
  } catch (err) {
    throw new Error(`${method} /api/${route.dir} ${JSON.stringify(p.params).slice(0, 80)} ${p.query ?? ""} threw: ${(err as Error).message}`);
  }
  const text = await res.text();
  const what = `${method} /api/${route.dir} params=${JSON.stringify(p.params).slice(0, 80)} query=${(p.query ?? "").slice(0, 80)} body=${String(p.body ?? "").slice(0, 60)} → ${res.status} ${text.slice(0, 200)}`;
  expect(res.status, what).toBeLessThan(500);
  const ours = !route.dir.startsWith("webhooks/") && !route.dir.startsWith("bench/");
  if (ours && res.status >= 400) {
    expect(text, what).not.toMatch(LEAK);
    const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof json.error?.code, what).toBe("string");
    expect(typeof json.error?.message, what).toBe("string");
  }
  return res.status;
}

/** Path params for a route: each bad value in every slot, the rest a well-formed unknown id. */
function paramSets(route: Route): Record<string, string>[] {
  if (route.params.length === 0) return [{}];
  const base = Object.fromEntries(route.params.map((k) => [k, k === "channel" ? "alipay" : ZERO_UUID]));
  return [base, ...route.params.flatMap((k) => PARAM_VALUES.map((v) => ({ ...base, [k]: v })))];
}

describe(`every API route against malformed input (${process.env.TEST_DB})`, () => {
  it("finds the routes on disk, and gets past sign-in on both kinds", async () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(routes.every((r) => r.methods.length > 0)).toBe(true);
    const byDir = (dir: string) => routes.find((r) => r.dir === dir)!;
    for (const dir of ["v1/payments", "app/payments"]) {
      const route = byDir(dir);
      expect(await send(route, "GET", route.methods[0][1], { params: {}, auth: true })).toBe(200);
    }
    session.current = null;
    expect(await send(byDir("app/payments"), "GET", byDir("app/payments").methods[0][1], { params: {}, auth: false })).toBe(401);
    session.current = ownerSession;
  });

  it("bad path params and query strings: never a 5xx, signed in or not", async () => {
    for (const route of routes) {
      for (const [method, handler] of route.methods) {
        for (const params of paramSets(route)) {
          for (const auth of [true, false]) {
            session.current = auth ? ownerSession : null;
            await send(route, method, handler, { params, query: QUERIES[1], auth, body: "{}", type: "application/json" });
          }
          session.current = ownerSession;
        }
        if (method === "GET") for (const query of QUERIES) await send(route, method, handler, { params: paramSets(route)[0], query, auth: true });
      }
    }
  }, 600_000);

  it("malformed bodies and content types: never a 5xx, and our refusals are the contract's error shape", async () => {
    for (const route of routes) {
      for (const [method, handler] of route.methods) {
        if (method === "GET" || method === "DELETE") continue;
        const params = paramSets(route)[0];
        for (const body of JSON_BODIES) await send(route, method, handler, { params, body, type: "application/json", auth: true });
        for (const [type, body] of OTHER_BODIES) await send(route, method, handler, { params, body, type, auth: true });
        await send(route, method, handler, { params, body: "{}", auth: true });
      }
    }
  }, 600_000);
});


// Values that pass a type check somewhere and stress what comes after it: bounds, precision, time, text.
const EDGE_VALUES: unknown[] = [
  "",
  " ",
  "x".repeat(5000),
  "\u202e\u200b<script>ｘ",
  -1,
  0,
  0.5,
  2 ** 31,
  2 ** 53,
  1e21,
  -1e21,
  true,
  null,
  [],
  {},
  "9999-12-31T23:59:59.999Z",
  "0001-01-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "+275000-01-01T00:00:00Z",
  "1970-01-01T00:00:00+14:00",
  ZERO_UUID,
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** Every leaf's path in a JSON value. */
function leaves(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v !== null && typeof v === "object") {
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    return [at, ...entries.flatMap(([k, x]) => leaves(x, [...at, k]))];
  }
  return [at];
}
function withValue(v: Json, at: (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value;
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let node = copy;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  if (value === undefined) delete node[at[at.length - 1]];
  else node[at[at.length - 1]] = value;
  return copy;
}

describe(`every write route against almost-valid bodies (${process.env.TEST_DB})`, () => {
  it("each field of a valid body replaced by edge values, or left out: never a 5xx, refusals in the contract's shape", async () => {
    const order = await createOrder(apiKey, { amount: 12800 });
    const csv = buildCsv(CMB_HEADER, [cmbCredit({ date: "20261124", time: "10:00:00", credit: "99.00", serial: "FZ1", memo: "货款", payer: "路人", account: "6225880100000002" })]);
    expect((await importCmbStatement(apiKey, merchant.bankId, csv)).status).toBe(200);
    const [line] = await t.db().select({ id: payments.id }).from(payments).where(eq(payments.merchantId, merchant.merchantId));
    const paymentId = line.id;
    // Each with what the valid body itself gets, so the mutations start from a body the route takes.
    const seeds: [string, string, Record<string, string>, Json, number][] = [
      ["v1/checkout", "POST", {}, { orderNo: "FUZZ-1", source: "web", amount: 12800, currency: "CNY", channel: "bank", description: "d", customer: { name: "张三", phone: "13800000000" }, returnUrl: "https://shop.example.cn/done", expiresAt: "2030-01-01T00:00:00+08:00", uniqueAmount: true }, 201],
      ["v1/payments/[paymentId]/match", "POST", { paymentId }, { allocations: [{ reference: order.reference, amount: 9900 }] }, 200],
      ["v1/payments/[paymentId]/confirm", "POST", { paymentId }, { index: 0 }, 409],
      ["v1/settings/tolerance-rules", "PUT", {}, { rules: [{ name: "手续费", enabled: true, channels: ["bank"], maxShortfallFen: 200, maxShortfallPercent: 1, cause: "bank_fee" }] }, 200],
      ["v1/rules", "PUT", {}, { rules: [{ name: "小额核销", enabled: true, conditions: { kinds: ["amount_mismatch"], channels: ["bank"], minAmount: 1, maxAmount: 100, minAgeMinutes: 0, maxAgeMinutes: 60, direction: "shortfall", minDifference: 1, maxDifference: 50, payerContains: "张" }, actions: { writeOff: { reason: "bank_fee" }, raiseSeverity: "high", notify: true } }] }, 200],
      ["v1/settings/checkout", "PUT", {}, { orderTtlMinutes: 90, uniqueAmount: true }, 200],
      ["v1/settings/ledger-accounts", "PUT", {}, { matchedCredit: { code: "1122", name: "应收账款" }, writeOffDebit: { coupon: { code: "6601.01", name: "销售费用-优惠券" } }, channels: { bank: { code: "1002", name: "银行存款" } } }, 200],
      ["v1/channel-accounts", "POST", {}, { channel: "bank", name: "工商银行", credentials: { bankName: "工商银行", accountNo: "6222020200112233" } }, 201],
      ["v1/api-keys", "POST", {}, { name: "fuzz" }, 201],
      ["v1/team", "POST", {}, { email: "fuzz@example.cn", name: "会计", role: "accountant", password: "correct horse battery" }, 201],
      ["v1/anomalies/[anomalyId]/resolve", "POST", { anomalyId: ZERO_UUID }, { note: "已核对" }, 404],
      ["v1/payments/[paymentId]/unmatch", "POST", { paymentId }, {}, 200],
    ];
    for (const [dir, method, params, body, expected] of seeds) {
      const route = routes.find((r) => r.dir === dir);
      expect(route, dir).toBeDefined();
      const handler = route!.methods.find(([m]) => m === method)![1];
      expect(await send(route!, method, handler, { params, body: JSON.stringify(body), type: "application/json", auth: true }), dir).toBe(expected);
      const bodies = [body, withValue(body, [], { ...(body as object), unknownField: 1 }), ...leaves(body).flatMap((at) => [...EDGE_VALUES.map((v) => withValue(body, at, v)), ...(at.length ? [withValue(body, at, undefined)] : [])])];
      for (const b of bodies) await send(route!, method, handler, { params, body: JSON.stringify(b), type: "application/json", auth: true });
    }
  }, 600_000);
});
