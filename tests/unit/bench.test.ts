// The benchmark pipeline's parts at tiny size, so `npm run bench` does not rot: signed request generators,
// the bare-Node verify-only baseline under autocannon, profile reading and the BENCHMARKS.md writer.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { alipayAdapter } from "@/lib/core/channels/alipay";
import { wechatpayAdapter } from "@/lib/core/channels/wechatpay/adapter";
import { APP_NODE_OPTIONS, appNodeOptions, percentile, summarise, type BenchResult } from "@/lib/cli/bench/common";
import { fire, topFrames } from "@/lib/cli/bench/harness";
import { bulkResult, renderBenchmarks, reportResult } from "@/lib/cli/bench/markdown";
import { alipayNotifyRequest, mixedNotifications, wechatpayNotifyRequest } from "@/lib/cli/bench/notifications";
import { createVerifyServer } from "@/lib/cli/bench/verify-server";
import { generateAlipayKeyPair } from "@/tests/helpers/alipay-signer";
import { generateApiV3Key, generateWechatpayKeyPair } from "@/tests/helpers/wechatpay-signer";

const ali = generateAlipayKeyPair();
const wx = generateWechatpayKeyPair();
const alipay = { accountId: "acc-ali", appId: "2021000000000001", privateKeyPem: ali.privateKeyPem };
const wechatpay = { accountId: "acc-wx", mchId: "1900000109", apiV3Key: generateApiV3Key(), privateKeyPem: wx.privateKeyPem, publicKeyId: "PUB_KEY_ID_0119000001092026112500000002" };
const orders = Array.from({ length: 6 }, (_, i) => ({ reference: `LD${String(i).padStart(6, "0")}`, amount: 12_800 + i }));

describe("notification generators", () => {
  it("signs distinct Alipay notifies the webhook's verifier accepts, for the order's reference and amount", async () => {
    const [a, b] = orders.slice(0, 2).map((o) => alipayNotifyRequest(alipay, o));
    expect(a.body).not.toBe(b.body);
    expect(a.path).toBe("/api/webhooks/alipay/acc-ali");
    const result = await alipayAdapter.receive({ rawBody: a.body, headers: a.headers, credentials: { appId: alipay.appId, alipayPublicKey: ali.publicKeyPem }, now: new Date() });
    expect(result.kind).toBe("accepted");
    if (result.kind === "accepted") expect(result.notification.payment).toMatchObject({ reference: orders[0].reference, amount: orders[0].amount });
    const forged = await alipayAdapter.receive({ rawBody: a.body.replace("total_amount=128.00", "total_amount=1.00"), headers: a.headers, credentials: { appId: alipay.appId, alipayPublicKey: ali.publicKeyPem }, now: new Date() });
    expect(forged.kind).toBe("rejected");
  });

  it("signs and encrypts WeChat Pay v3 notifies the webhook's verifier accepts", async () => {
    const r = wechatpayNotifyRequest(wechatpay, orders[1]);
    const credentials = { mchId: wechatpay.mchId, apiV3Key: wechatpay.apiV3Key, platformPublicKey: wx.publicKeyPem, platformPublicKeyId: wechatpay.publicKeyId };
    const result = await wechatpayAdapter.receive({ rawBody: r.body, headers: r.headers, credentials, now: new Date() });
    expect(result.kind).toBe("accepted");
    if (result.kind === "accepted") expect(result.notification.payment).toMatchObject({ reference: orders[1].reference, amount: orders[1].amount });
  });

  it("alternates channels, one notify per order", () => {
    const all = mixedNotifications(alipay, wechatpay, orders);
    expect(all.map((r) => r.channel)).toEqual(["alipay", "wechatpay", "alipay", "wechatpay", "alipay", "wechatpay"]);
    expect(new Set(all.map((r) => r.reference)).size).toBe(orders.length);
  });
});

describe("bare-Node verify-only baseline under autocannon", () => {
  it("answers every distinct signed notify with success and a tampered one with 401", async () => {
    const server = createVerifyServer(ali.publicKeyPem);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const requests = orders.map((o) => alipayNotifyRequest(alipay, o, "/api/bench/verify"));
      const good = await fire(url, requests, { connections: 3 });
      expect(good).toMatchObject({ requests: orders.length, non2xx: 0, errors: 0 });
      const bad = await fire(url, [{ ...requests[0], body: requests[0].body.replace("TRADE_SUCCESS", "TRADE_CLOSED") }], { connections: 1 });
      expect(bad.non2xx).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("figures", () => {
  it("takes nearest-rank percentiles", () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(summarise([5, 1, 3])).toEqual({ n: 3, p50: 3, p99: 5, max: 5 });
  });

  it("ranks a CPU profile's frames by self time", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ldxp-prof-")), "x.cpuprofile");
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    fs.writeFileSync(
      file,
      JSON.stringify({
        nodes: [
          { id: 1, hitCount: 1, callFrame: frame("(root)", "") },
          { id: 2, hitCount: 6, callFrame: frame("verify", "file:///app/node_modules/x/y.js") },
          { id: 3, hitCount: 3, callFrame: frame("query", "file:///app/.next/server/chunk.js") },
        ],
      }),
    );
    expect(topFrames(file, 2)).toEqual([
      { frame: "verify node_modules/x/y.js:10", selfPct: 60 },
      { frame: "query .next/server/chunk.js:10", selfPct: 30 },
    ]);
  });
});

describe("BENCHMARKS.md", () => {
  const machine = { cpus: 2, cpuModel: "Test CPU", memoryGb: 8, node: "v20.20.2", platform: "Linux", postgres: "15.8", loadAverage: [1, 2, 3] };
  const ingest: BenchResult = {
    name: "ingest",
    title: "Webhook ingest (PostgreSQL)",
    command: "npm run bench:ingest",
    smoke: false,
    startedAt: "2026-11-25T21:00:00.000Z",
    seconds: 60,
    figures: { "ingest req/s": 500, "verify-only route req/s": 1000 },
    ratios: { "ingest / verify-only route": 0.5 },
    goals: [{ name: "throughput", target: "≥ 70 % of the verify-only route", actual: "50 %", met: false }],
    explanation: ["CPU profile: insertPayment 30 %"],
    recommendedIndexes: ["create index x on payments (merchant_id);"],
    profile: { file: "bench-results/ingest-next.cpuprofile", topFrames: [{ frame: "insertPayment lib/x.ts:3", selfPct: 30 }] },
  };

  it("shows machine, figures, ratios, missed goals with their explanation, and what was not run", () => {
    const md = renderBenchmarks(machine, { ingest }, ["a note"]);
    expect(md).toContain("| CPUs | 2 × Test CPU |");
    expect(md).toContain("| PostgreSQL | 15.8 |");
    expect(md).toContain("| ingest / verify-only route | 0.5 |");
    expect(md).toContain("| 1. Webhook ingest | throughput | ≥ 70 % of the verify-only route | 50 % | **no** |");
    expect(md).toContain("- CPU profile: insertPayment 30 %");
    expect(md).toContain("```sql\ncreate index x on payments (merchant_id);\n```");
    expect(md).toContain("| `insertPayment lib/x.ts:3` | 30 |");
    expect(md).toContain("## 2. Notify → paid\n\nNot measured in this run. Command: `npm run bench:latency`.");
    expect(md).toContain("- a note");
  });

  it("checks the bulk and report goals from their scripts' own output", () => {
    const bulk = bulkResult(
      {
        driver: "postgres",
        results: [
          { lines: 1_000_000, fileMb: 90, oursS: 25, baselineS: 10, ratio: 2.5, linesPerS: 40_000 },
          { lines: 100_000, fileMb: 9, oursS: 2, baselineS: 1, ratio: 2, linesPerS: 50_000 },
        ],
      },
      "npm run bench:bulk",
    );
    expect(bulk.goals).toEqual([
      { name: "time at 1000000 lines", target: "≤ 20 s (at 1,000,000)", actual: "25 s", met: false },
      { name: "ratio at 1000000 lines", target: "≤ 1.5× the baseline", actual: "2.5×", met: false },
      { name: "linear growth", target: "time per line at the largest size ≤ 1.5× the smallest's", actual: "1.25×", met: true },
    ]);
    expect(bulk.explanation!.some((e) => e.includes("recording proposed below"))).toBe(false);
    // With the narrow recording's floor measured, its ratio and whether it would meet the goals are told.
    const withNarrow = bulkResult(
      { driver: "postgres", results: [{ lines: 1_000_000, fileMb: 90, oursS: 25, baselineS: 10, ratio: 2.5, linesPerS: 40_000, narrowFloorS: 12 }] },
      "npm run bench:bulk",
    );
    expect(withNarrow.figures["1000000 lines: narrow recording floor s"]).toBe(12);
    expect(withNarrow.ratios["1000000 lines: narrow recording floor / baseline"]).toBe(1.2);
    expect(withNarrow.explanation!.find((e) => e.includes("recording proposed below"))).toContain("12 s = 1.20× the baseline at 1000000 lines, inside both goals");
    const report = reportResult("seeded 1000000 payments in 80.1 s\nxlsx: /tmp/x.xlsx 95 MB in 28.4 s\nrss: 180 MB before, peak 530 MB while writing (+350 MB)\n", "npm run bench:report");
    expect(report.figures).toMatchObject({ payments: 1_000_000, "xlsx seconds": 28.4, "peak rss MB": 530 });
    expect(report.goals.map((g) => g.met)).toEqual([true, false]);
    const withBaseline = reportResult(
      "seeded 1000 payments in 1.0 s\nxlsx: /tmp/x.xlsx 1 MB in 6.0 s; this process's CPU 4.5 s (load average 1.0)\nrss: 100 MB before, peak 150 MB while writing (+50 MB)\nbaseline: COPY of the matched details to CSV on the server, 1 MB in 2.0 s\n",
      "npm run bench:report",
    );
    expect(withBaseline.figures).toMatchObject({ "xlsx seconds": 6, "report process CPU s": 4.5, "baseline: server-side COPY of the matched details to CSV, s": 2 });
    expect(withBaseline.ratios).toEqual({ "xlsx / COPY to CSV": 3 });
  });
});

describe("verify-only bench route", () => {
  it("is a 404 unless LDXP_BENCH_ROUTES=1, then verifies like the webhook", async () => {
    const { POST } = await import("@/app/api/bench/verify/route");
    const r = alipayNotifyRequest(alipay, orders[0], "/api/bench/verify");
    const post = (body: string) =>
      POST(new Request(`http://127.0.0.1${r.path}`, { method: "POST", headers: r.headers, body }), {} as never);
    const saved = { routes: process.env.LDXP_BENCH_ROUTES, key: process.env.LDXP_BENCH_ALIPAY_PUBLIC_KEY };
    try {
      delete process.env.LDXP_BENCH_ROUTES;
      process.env.LDXP_BENCH_ALIPAY_PUBLIC_KEY = Buffer.from(ali.publicKeyPem).toString("base64");
      expect((await post(r.body)).status).toBe(404);
      process.env.LDXP_BENCH_ROUTES = "1";
      const ok = await post(r.body);
      expect([ok.status, await ok.text()]).toEqual([200, "success"]);
      expect((await post(r.body.replace("TRADE_SUCCESS", "TRADE_CLOSED"))).status).toBe(401);
    } finally {
      if (saved.routes === undefined) delete process.env.LDXP_BENCH_ROUTES;
      else process.env.LDXP_BENCH_ROUTES = saved.routes;
      if (saved.key === undefined) delete process.env.LDXP_BENCH_ALIPAY_PUBLIC_KEY;
      else process.env.LDXP_BENCH_ALIPAY_PUBLIC_KEY = saved.key;
    }
  });
});

describe("the app's Node flags", () => {
  const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.resolve("package.json"), "utf8")).scripts;
  const prefix = `NODE_OPTIONS="${APP_NODE_OPTIONS} $NODE_OPTIONS"`;

  it("are what npm start, npm run dev and the benchmarks that run the app's code in their own process run with", () => {
    for (const name of ["start", "dev", "bench:report", "bench:matching", "bench:bulk"]) expect(scripts[name], name).toContain(prefix);
  });

  it("come ahead of the operator's own NODE_OPTIONS, which therefore still win, and are not repeated", () => {
    expect(appNodeOptions("--max-old-space-size=4096")).toBe(`${APP_NODE_OPTIONS} --max-old-space-size=4096`);
    expect(appNodeOptions(undefined)).toBe(APP_NODE_OPTIONS);
    expect(appNodeOptions(`${APP_NODE_OPTIONS} --trace-warnings`)).toBe(`${APP_NODE_OPTIONS} --trace-warnings`);
  });

  it("reach node through the start script's shell: its young generation grows past V8's default 2 × 16 MB", () => {
    // Objects that survive a while make V8 grow the new space to its limit.
    const program = `const v8=require("v8");let keep=[];for(let i=0;i<4e6;i++){keep.push({i});if(keep.length>2e5)keep=[]}
      console.log(JSON.stringify({options:process.env.NODE_OPTIONS,newSpace:v8.getHeapSpaceStatistics().find((s)=>s.space_name==="new_space").space_size}))`;
    const out = execFileSync("sh", ["-c", `${prefix} node -e '${program}'`], { env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=1024" }, encoding: "utf8" });
    const { options, newSpace } = JSON.parse(out);
    expect(options).toBe(`${APP_NODE_OPTIONS} --max-old-space-size=1024`);
    expect(newSpace).toBeGreaterThan(32 * 1024 * 1024);
  });
});
