// `npx tsx lib/cli/bench-matching.ts [--seeds 1,2,3] [--orders 1000] [--raw-dates] [--one-merchant]`: the matching benchmark.
// For each seed: a fresh merchant, orders through POST /api/v1/checkout, a CMB bank statement (GBK)
// through POST /api/v1/statements, payments read back through GET /api/v1/payments, then precision,
// recall and the per-kind table from the dataset's own score(). Runs the route handlers in-process
// on a fresh database (in-memory PGlite unless DATABASE_URL is set). The statement is moved in time
// to follow the orders, which checkout stamps with the real clock; --raw-dates keeps the generator's
// dates (early November 2026), weeks or months before the orders were created.
import crypto from "node:crypto";
import iconv from "iconv-lite";
import { POST as channelAccountsRoute } from "@/app/api/v1/channel-accounts/route";
import { POST as checkoutRoute } from "@/app/api/v1/checkout/route";
import { GET as paymentsRoute } from "@/app/api/v1/payments/route";
import { POST as signupRoute } from "@/app/api/v1/signup/route";
import { POST as statementsRoute } from "@/app/api/v1/statements/route";
import { generateOrders, generateStatement, score, toCmbCsv, type Score, type Truth } from "@/tests/fixtures/matching/matching-dataset.mjs";

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

const BASE = "http://127.0.0.1:3000";

async function call(handler: unknown, opts: { method?: string; path?: string; apiKey?: string; json?: unknown; body?: Uint8Array; contentType?: string }) {
  const headers: Record<string, string> = {};
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.body) {
    headers["content-type"] = opts.contentType ?? "application/octet-stream";
    body = opts.body as unknown as BodyInit;
  }
  const res = await (handler as Handler)(new Request(`${BASE}${opts.path ?? "/"}`, { method: opts.method ?? "POST", headers, body }), {
    params: Promise.resolve({}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${opts.method ?? "POST"} ${opts.path} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function signup(label: string) {
  const n = crypto.randomBytes(4).toString("hex");
  const s = await call(signupRoute, {
    path: "/api/v1/signup",
    json: { merchantName: `${label} ${n}`, email: `bench-${n}@example.cn`, password: "benchmark password" },
  });
  return s.apiKey as string;
}

export interface BenchResult {
  seed: number;
  orders: number;
  lines: number;
  importMs: number;
  score: Score;
  truth: Truth[];
  results: Map<string, { status: string; orderNos: string[] }>;
  /** Lines that pay an order and were not matched to exactly it, or were matched when they pay none: what to look at. */
  misses: Miss[];
}

export interface Miss {
  serial: string;
  kind: string;
  memo: string;
  expected: string[];
  status: string;
  orderNos: string[];
  explanation: string | null;
}

/** Runs one seed end to end through the HTTP API; the database must already be configured. */
/** The merchant a run's orders and statement go to, with its bank account and another merchant's references. */
export interface BenchMerchant {
  apiKey: string;
  bankAccountId: string;
  foreignReferences: string[];
}

export async function benchMerchant(): Promise<BenchMerchant> {
  const apiKey = await signup("链动小铺 基准");
  const account = await call(channelAccountsRoute, {
    path: "/api/v1/channel-accounts",
    apiKey,
    json: { channel: "bank", name: "招商银行 对公户", credentials: { bankName: "招商银行", accountNo: "755900000000001" } },
  });

  // References of ANOTHER merchant's orders: lines carrying them must stay unmatched here.
  const otherKey = await signup("别家小铺");
  const foreignReferences: string[] = [];
  for (let i = 0; i < 20; i++) {
    const o = await call(checkoutRoute, { path: "/api/v1/checkout", apiKey: otherKey, json: { orderNo: `OTHER-${i}`, source: "web", amount: 9900 } });
    foreignReferences.push(o.reference);
  }
  return { apiKey, bankAccountId: account.id, foreignReferences };
}

/**
 * One seed's orders and statement, on a fresh merchant unless one is given (several seeds on one
 * merchant: each statement also meets the open orders the earlier seeds left).
 */
export async function runMatchingBenchmark(params: { seed: number; orders: number; rawDates?: boolean; merchant?: BenchMerchant }): Promise<BenchResult> {
  const { apiKey, bankAccountId, foreignReferences } = params.merchant ?? (await benchMerchant());
  const generatorStart = Date.parse("2026-11-01T00:00:00+08:00");
  const orders = generateOrders({ seed: params.seed, count: params.orders, start: generatorStart });
  let firstCreated = Infinity;
  for (const o of orders) {
    const res = await call(checkoutRoute, {
      path: "/api/v1/checkout",
      apiKey,
      json: { orderNo: o.orderNo, source: o.source, amount: o.amount, currency: o.currency, customer: { name: o.customer.name } },
    });
    o.reference = res.reference;
    firstCreated = Math.min(firstCreated, Date.parse(res.createdAt));
  }
  const { lines, truth } = generateStatement({ seed: params.seed, orders, foreignReferences });
  // Checkout stamps orders with the real clock: move the statement by the same offset so every
  // transfer still follows its order by the generator's delay (minutes to days).
  const shift = params.rawDates ? 0 : firstCreated - generatorStart;
  for (const l of lines) l.bookedAt = new Date(Date.parse(l.bookedAt) + shift).toISOString();

  const started = performance.now();
  await call(statementsRoute, {
    path: `/api/v1/statements?channelAccountId=${bankAccountId}&format=cmb-csv`,
    apiKey,
    body: new Uint8Array(iconv.encode(toCmbCsv(lines), "gbk")),
    contentType: "text/csv",
  });
  const importMs = performance.now() - started;

  const results = new Map<string, { status: string; orderNos: string[] }>();
  const explanations = new Map<string, string | null>();
  let cursor: string | null = null;
  do {
    const page: {
      data: { channelTransactionId: string; status: string; allocations: { orderNo: string }[]; explanation: string | null }[];
      nextCursor: string | null;
    } = await call(
      paymentsRoute,
      { method: "GET", path: `/api/v1/payments?channel=bank&limit=500${cursor ? `&cursor=${cursor}` : ""}`, apiKey },
    );
    for (const p of page.data) {
      results.set(p.channelTransactionId, { status: p.status, orderNos: p.allocations.map((a) => a.orderNo) });
      explanations.set(p.channelTransactionId, p.explanation);
    }
    cursor = page.nextCursor;
  } while (cursor);

  const memoBySerial = new Map(lines.map((l) => [l.serial, l.memo]));
  const misses: Miss[] = [];
  for (const t of truth) {
    const r = results.get(t.serial) ?? { status: "missing", orderNos: [] };
    const auto = r.status === "matched" || r.status === "partially_matched";
    const right = auto && t.pays.length === r.orderNos.length && t.pays.every((o) => r.orderNos.includes(o));
    if (t.pays.length > 0 ? !right : auto) {
      misses.push({ serial: t.serial, kind: t.kind, memo: memoBySerial.get(t.serial) ?? "", expected: t.pays, ...r, explanation: explanations.get(t.serial) ?? null });
    }
  }
  return { seed: params.seed, orders: orders.length, lines: lines.length, importMs, score: score(truth, results), truth, results, misses };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The score as a table: precision, recall, and per kind the lines matched right and wrong. */
export function formatBenchResult(r: BenchResult): string {
  const rows = Object.entries(r.score.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, k]) => `  ${kind.padEnd(24)} ${String(k.lines).padStart(5)} ${String(k.autoCorrect).padStart(8)} ${String(k.autoWrong).padStart(6)}  ${pct(k.lines ? k.autoCorrect / k.lines : 0).padStart(8)}`);
  return [
    `seed ${r.seed}: ${r.orders} orders, ${r.lines} statement lines, import+match ${(r.importMs / 1000).toFixed(1)} s (${Math.round(r.lines / (r.importMs / 1000))} lines/s)`,
    `  precision ${pct(r.score.precision)}  recall ${pct(r.score.recall)}  auto-matched ${r.score.autoMatched}  wrong ${r.score.wrong}`,
    `  ${"kind".padEnd(24)} ${"lines".padStart(5)} ${"correct".padStart(8)} ${"wrong".padStart(6)}  ${"rate".padStart(8)}`,
    ...rows,
    ...(r.misses.length ? [`  lines not matched to exactly their orders (${r.misses.length}${r.misses.length > 50 ? ", the first 50" : ""}):`] : []),
    ...r.misses.slice(0, 50).map(
      (m) => `    ${m.serial} ${m.kind} memo "${m.memo}" pays [${m.expected.join(", ")}] → ${m.status} [${m.orderNos.join(", ")}]: ${m.explanation ?? "no explanation"}`,
    ),
  ].join("\n");
}

async function main() {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const seeds = arg("seeds", "1,2,3").split(",").map(Number);
  const count = Number(arg("orders", "1000"));
  const rawDates = process.argv.includes("--raw-dates");
  const oneMerchant = process.argv.includes("--one-merchant");
  process.env.LOG_LEVEL ??= "silent";
  // The benchmark is one client sending thousands of requests: the per-key limit is not what it measures.
  process.env.API_RATE_LIMIT_PER_MINUTE ??= "1000000";
  if (!process.env.DATABASE_URL) process.env.PGLITE_DIR = "memory://";
  process.env.ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("hex");
  const { closeDb } = await import("@/lib/db/client");
  try {
    const merchant = oneMerchant ? await benchMerchant() : undefined;
    for (const seed of seeds) console.log(formatBenchResult(await runMatchingBenchmark({ seed, orders: count, rawDates, merchant })));
  } finally {
    await closeDb();
  }
}

if (process.argv[1] && /bench-matching\.ts$/.test(process.argv[1])) await main();
