// The ingest benchmarks' moving parts: a merchant with real channel accounts and orders, a `next start`
// child process, the verify-only baselines and autocannon.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { generateReference } from "@/lib/core/reference";
import type { Db } from "@/lib/db/client";
import { orders } from "@/lib/db/schema";
import { createChannelAccount } from "@/lib/services/channel-accounts";
import { signup } from "@/lib/services/signup";
import { generateAlipayKeyPair } from "@/tests/helpers/alipay-signer";
import { generateApiV3Key, generateWechatpayKeyPair } from "@/tests/helpers/wechatpay-signer";
import type { AlipayAccount, BenchOrder, NotifyRequest, WechatpayAccount } from "./notifications";
import { appNodeOptions, round } from "./common";

export interface BenchMerchant {
  merchantId: string;
  apiKey: string;
  alipay: AlipayAccount & { publicKeyPem: string };
  wechatpay: WechatpayAccount;
}

const system = { type: "system", id: null } as const;

/** A merchant signed up through the service, with an Alipay and a WeChat Pay (public-key mode) account. */
export async function createBenchMerchant(db: Db): Promise<BenchMerchant> {
  const tag = crypto.randomBytes(3).toString("hex");
  const session = await signup(db, { merchantName: `压测商户 ${tag}`, email: `bench-${tag}@example.cn`, password: "benchmark password" });
  const ali = generateAlipayKeyPair();
  const appId = `2021${String(crypto.randomInt(1e9, 1e10 - 1)).padStart(12, "0")}`;
  const alipay = await createChannelAccount(db, {
    merchantId: session.merchantId,
    actor: system,
    channel: "alipay",
    name: "支付宝主账户",
    credentials: { appId, alipayPublicKey: ali.publicKeyPem },
  });
  const wx = generateWechatpayKeyPair();
  const apiV3Key = generateApiV3Key();
  const mchId = "1900000109";
  const publicKeyId = `PUB_KEY_ID_01${mchId}2026112500000002`;
  const wechatpay = await createChannelAccount(db, {
    merchantId: session.merchantId,
    actor: system,
    channel: "wechatpay",
    name: "微信支付商户号",
    credentials: { mchId, apiV3Key, platformPublicKey: wx.publicKeyPem, platformPublicKeyId: publicKeyId },
  });
  return {
    merchantId: session.merchantId,
    apiKey: session.apiKey,
    alipay: { accountId: alipay.id, appId, privateKeyPem: ali.privateKeyPem, publicKeyPem: ali.publicKeyPem },
    wechatpay: { accountId: wechatpay.id, mchId, apiV3Key, privateKeyPem: wx.privateKeyPem, publicKeyId },
  };
}

/** N pending orders with real check-charactered references, inserted set-based (checkout would take minutes). */
export async function createBenchOrders(db: Db, merchantId: string, n: number, prefix = "ING"): Promise<BenchOrder[]> {
  const seen = new Set<string>();
  while (seen.size < n) seen.add(generateReference((k) => crypto.randomBytes(k)));
  const list = [...seen].map((reference, i) => ({ reference, amount: 100 + ((i * 7919) % 500_000) }));
  for (let i = 0; i < list.length; i += 20_000) {
    const rows = list.slice(i, i + 20_000).map((o, j) => ({ ...o, order_no: `${prefix}-${i + j}` }));
    await db.execute(sql`
      insert into ${orders} (merchant_id, reference, order_no, source, amount, status)
      select ${merchantId}::uuid, reference, order_no, 'web', amount, 'pending'
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(reference text, order_no text, amount bigint)`);
  }
  await db.execute(sql`analyze ${orders}`);
  return list;
}

/** Orders paid exactly once (one allocation, paid_amount = amount), out of the given references. */
export async function verifyPaidOnce(db: Db, merchantId: string, references: string[]) {
  const result = await db.execute(sql`
    with target as (select id, amount, status, paid_amount from ${orders}
                    where merchant_id = ${merchantId}::uuid and reference in (select jsonb_array_elements_text(${JSON.stringify(references)}::jsonb))),
         alloc as (select a.order_id, count(*) as n from allocations a join target t on t.id = a.order_id group by a.order_id)
    select count(*) filter (where t.status = 'paid') as paid,
           count(*) filter (where t.status = 'paid' and t.paid_amount = t.amount and coalesce(alloc.n, 0) = 1) as once,
           coalesce(sum(alloc.n), 0) as payments
    from target t left join alloc on alloc.order_id = t.id`);
  const row = (result as unknown as { rows: { paid: string; once: string; payments: string }[] }).rows[0];
  return { orders: references.length, paid: Number(row.paid), paidExactlyOnce: Number(row.once), allocations: Number(row.payments) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: not up after ${timeoutMs} ms`);
}

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns a server and waits until `readyPath` answers below 500; its output goes to `logFile`. */
export async function startServer(command: string, args: string[], env: Record<string, string>, port: number, readyPath: string, logFile: string): Promise<RunningServer> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, "w");
  const child = spawn(command, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", log, log] });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}${readyPath}`, child, 120_000);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.once("exit", () => {
          clearTimeout(killer);
          fs.closeSync(log);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

const NEXT_BIN = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "node_modules/next/dist/bin/next");

/** `next start` on the built app (run `npx next build` first) with the app's Node flags, bench routes on, logging off; `nodeArgs` e.g. --cpu-prof. */
export function startNext(port: number, env: Record<string, string>, logFile: string, nodeArgs: string[] = []) {
  if (!fs.existsSync(path.resolve(/*turbopackIgnore: true*/ process.cwd(), ".next/BUILD_ID"))) throw new Error("no .next build: run `npx next build` first");
  return startServer(
    process.execPath,
    [...nodeArgs, NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"],
    { NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "silent", LDXP_BENCH_ROUTES: "1", API_RATE_LIMIT_PER_MINUTE: "100000000", NODE_OPTIONS: appNodeOptions(), ...env },
    port,
    "/api/health",
    logFile,
  );
}

export interface LoadResult {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * Fires `requests` (each sent once, in order, across `connections`) or, with `duration`, cycles them for that
 * many seconds; `rate` caps the overall requests/s, and `until` stops the run early when it settles.
 * Distinct bodies go through setupRequest: autocannon's static `requests` would resend the same ones.
 */
export function fire(
  url: string,
  requests: NotifyRequest[],
  opts: { connections: number; duration?: number; rate?: number; until?: Promise<unknown> },
): Promise<LoadResult> {
  let next = 0;
  return new Promise((resolve, reject) => {
    const tracker = autocannon(
      {
        url,
        connections: opts.connections,
        ...(opts.duration ? { duration: opts.duration } : { amount: requests.length }),
        ...(opts.rate ? { overallRate: opts.rate } : {}),
        timeout: 30,
        requests: [
          {
            setupRequest: (req) => {
              const r = requests[next++ % requests.length];
              return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        const total = result.requests.total;
        resolve({
          requests: total,
          seconds: round(result.duration, 2),
          reqPerSec: round(total / result.duration, 0),
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
    opts.until?.finally(() => tracker.stop());
  });
}

/** Self time per frame of a V8 .cpuprofile, hottest first. */
export function topFrames(profileFile: string, limit = 15): { frame: string; selfPct: number }[] {
  const profile = JSON.parse(fs.readFileSync(profileFile, "utf8")) as {
    nodes: { id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  };
  const byFrame = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(node_modules|\.next)\//, "$1/").replace(/^file:\/\//, "");
    const key = `${functionName || "(anonymous)"} ${file}${url ? `:${lineNumber + 1}` : ""}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + hits);
  }
  return [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, hits]) => ({ frame, selfPct: round((100 * hits) / Math.max(1, total), 1) }));
}

/** The largest .cpuprofile in a directory (next start's server, not its short-lived helpers). */
export function largestProfile(dir: string): string | null {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")) : [];
  if (!files.length) return null;
  return files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}
