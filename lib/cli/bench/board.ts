// `npx tsx lib/cli/bench/board.ts [--payments 1000000] [--runs 20] [--smoke] [--database name]`: the board and a filtered payments
// list at scale, on PostgreSQL (a fresh ldxp_bench_board database). Seeds one merchant's payments set-based
// (over the last 60 days, so the board's 30-day window holds half), with orders and allocations for the
// matched ones; then times the services the pages call (getBoard, listPayments first page and a deep cursor
// page) against the database's floor for the same rows: one indexed SQL query each, in the same run.
// Every query the services send is captured and EXPLAIN ANALYZEd, and slow plans are reported.
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { closeDb, getDb, type Db } from "@/lib/db/client";
import { payments } from "@/lib/db/schema";
import { getBoard } from "@/lib/services/board";
import { listPayments, type ListPaymentsParams } from "@/lib/services/list-payments";
import { seedMerchantPayments } from "./seed-payments";
import { freshDatabase, round, summarise, timeRuns, writeResult, type BenchResult, type Goal } from "./common";

const { values } = parseArgs({
  options: {
    payments: { type: "string" },
    runs: { type: "string" },
    smoke: { type: "boolean", default: false },
    /** The throwaway database's name (dropped and recreated), when several people bench on one server. */
    database: { type: "string" },
  },
});
const smoke = values.smoke!;
const n = Number(values.payments ?? (smoke ? 20_000 : 1_000_000));
const runs = Number(values.runs ?? (smoke ? 5 : 20));
const GOAL_MS = 300;
const DAY = 86_400_000;

async function seed(db: Db, now: Date) {
  const start = new Date(now.getTime() - 60 * DAY).toISOString();
  const { merchantId } = await seedMerchantPayments(db, { merchantName: "看板基准", prefix: "BD", start, days: 60, count: n });
  return merchantId;
}

/** Every query pg sends while `fn` runs, to EXPLAIN them afterwards with the same parameters. */
async function captureQueries(fn: () => Promise<unknown>) {
  const captured: { text: string; values: unknown[] }[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [q, v] = args;
    if (typeof q === "string") captured.push({ text: q, values: Array.isArray(v) ? v : [] });
    else if (q && typeof q === "object" && "text" in q) {
      const config = q as { text: string; values?: unknown[] };
      captured.push({ text: config.text, values: config.values ?? (Array.isArray(v) ? v : []) });
    }
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return captured;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Actual Total Time"?: number;
  "Rows Removed by Filter"?: number;
  "Heap Fetches"?: number;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(node);
  for (const child of node.Plans ?? []) walk(child, out);
  return out;
}

async function explain(url: string, queries: { text: string; values: unknown[] }[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const plans = [];
    for (const q of queries) {
      const { rows } = await client.query(`explain (analyze, buffers, format json) ${q.text}`, q.values);
      const root = (rows[0]["QUERY PLAN"] as { Plan: PlanNode; "Execution Time": number }[])[0];
      const nodes = walk(root.Plan);
      plans.push({
        sql: q.text.replace(/\s+/g, " "),
        ms: round(root["Execution Time"], 2),
        scans: nodes
          .filter((x) => x["Relation Name"])
          .map((x) => `${x["Node Type"]} on ${x["Relation Name"]}${x["Index Name"] ? ` using ${x["Index Name"]}` : ""}: ${x["Actual Rows"]! * (x["Actual Loops"] ?? 1)} rows${x["Rows Removed by Filter"] ? `, ${x["Rows Removed by Filter"]} removed by filter` : ""}${x["Heap Fetches"] !== undefined ? `, ${x["Heap Fetches"]} heap fetches` : ""}`),
      });
    }
    return plans.sort((a, b) => b.ms - a.ms);
  } finally {
    await client.end();
  }
}

type Plan = Awaited<ReturnType<typeof explain>>[number];

/**
 * The index a plan is missing, judged from its payments scans: a heap scan over many rows for the pending
 * sum (the index should cover the summed columns, for an index-only scan), or an index scan that throws most
 * rows away on channel/status (the filter columns belong in the index, ahead of the sort key). The board's
 * periods read payment_slot_totals (kept by triggers), not payments.
 */
function indexFor(plan: Plan): string[] {
  const heavy = plan.scans.filter((s) => / on payments/.test(s) && !/Index Only Scan/.test(s));
  const rows = (s: string) => Number(/: (\d+) rows/.exec(s)?.[1] ?? 0);
  const removed = (s: string) => Number(/, (\d+) removed by filter/.exec(s)?.[1] ?? 0);
  const out: string[] = [];
  if (heavy.some((s) => rows(s) > 10_000) && /sum\("amount" - "allocated_amount"\)/.test(plan.sql)) {
    out.push("create index payments_merchant_pending_cover_idx on payments (merchant_id) include (amount, allocated_amount) where status in ('unmatched', 'suggested');");
  }
  if (heavy.some((s) => removed(s) > 10 * Math.max(1, rows(s))) && /order by "payments"."received_at" desc/.test(plan.sql)) {
    out.push("create index payments_merchant_channel_status_received_idx on payments (merchant_id, channel, status, received_at desc, id desc);");
  }
  return out;
}

async function floorQuery(url: string, text: string, params: unknown[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await timeRuns(() => client.query(text, params), runs);
  } finally {
    await client.end();
  }
}

async function main() {
  const started = Date.now();
  const url = await freshDatabase(values.database ?? `ldxp_bench_board${smoke ? "_smoke" : ""}`);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "silent";
  process.env.ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("hex");
  const db = await getDb();
  const now = new Date();
  const t0 = performance.now();
  const merchantId = await seed(db, now);
  const seedSeconds = round((performance.now() - t0) / 1000, 1);
  console.log(`seeded ${n} payments in ${seedSeconds} s`);

  const filter: ListPaymentsParams = { merchantId, channel: "alipay", status: "matched", from: new Date(now.getTime() - 30 * DAY), to: now, limit: 50, cursor: null };
  // A cursor a third of the way into the filtered rows: what paging far back lands on.
  const deepOffset = Math.floor(n / 3 / 2 / 3);
  const deepRow = (
    (await db.execute(sql`
      select received_at, id from ${payments}
      where merchant_id = ${merchantId}::uuid and channel = 'alipay' and status = 'matched' and received_at >= ${filter.from!.toISOString()}::timestamptz and received_at < ${now.toISOString()}::timestamptz
      order by received_at desc, id desc offset ${deepOffset} limit 1`)) as unknown as { rows: { received_at: string; id: string }[] }
  ).rows[0];
  const deepCursor = { at: new Date(deepRow.received_at), id: deepRow.id };
  const deep: ListPaymentsParams = { ...filter, cursor: deepCursor };

  const board = summarise(await timeRuns(() => getBoard(db, merchantId, now), runs));
  const first = summarise(await timeRuns(() => listPayments(db, filter), runs));
  const deepPage = summarise(await timeRuns(() => listPayments(db, deep), runs));
  console.log(`board p50 ${board.p50} p99 ${board.p99}; list first p50 ${first.p50} p99 ${first.p99}; deep p50 ${deepPage.p50} p99 ${deepPage.p99}`);

  // The floor: the board's 30-day window summed in one indexed query over the slot totals it reads, and one
  // indexed page of ids. The former board's grouped 30-day scan of payments is timed too, as the before figure.
  const since = new Date(now.getTime() - 30 * DAY).toISOString();
  const countFloor = summarise(
    await floorQuery(url, "select sum(count), sum(gross_amount), sum(refunded_amount) from payment_slot_totals where merchant_id = $1 and slot_start >= $2", [merchantId, since]),
  );
  const formerScan = summarise(
    await floorQuery(
      url,
      `select to_char(received_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'), channel, status, count(*), sum(amount), sum(refunded_amount)
       from payments where merchant_id = $1 and received_at >= $2 group by 1, 2, 3`,
      [merchantId, since],
    ),
  );
  const pageFloor = summarise(
    await floorQuery(url, "select id from payments where merchant_id = $1 and received_at < $2 order by received_at desc limit 51", [merchantId, deepCursor.at.toISOString()]),
  );
  console.log(
    `floor: 30-day slot sum p50 ${countFloor.p50} p99 ${countFloor.p99}; indexed page p50 ${pageFloor.p50} p99 ${pageFloor.p99}; former board scan p50 ${formerScan.p50} p99 ${formerScan.p99}`,
  );

  const boardPlans = await explain(url, await captureQueries(() => getBoard(db, merchantId, now)));
  const listPlans = await explain(url, await captureQueries(() => listPayments(db, filter)));
  const deepPlans = await explain(url, await captureQueries(() => listPayments(db, deep)));
  await closeDb();

  const goals: Goal[] = [
    { name: "board first paint (getBoard)", target: `p99 < ${GOAL_MS} ms`, actual: `p99 ${board.p99} ms`, met: board.p99 < GOAL_MS },
    { name: "filtered payments, first page", target: `p99 < ${GOAL_MS} ms`, actual: `p99 ${first.p99} ms`, met: first.p99 < GOAL_MS },
    { name: "filtered payments, deep cursor page", target: `p99 < ${GOAL_MS} ms`, actual: `p99 ${deepPage.p99} ms`, met: deepPage.p99 < GOAL_MS },
  ];
  const explanation: string[] = [];
  const recommendedIndexes = [...new Set([...boardPlans, ...listPlans, ...deepPlans].flatMap(indexFor))];
  const slowest = (plans: Plan[]) => `${plans[0].ms} ms: ${plans[0].sql.slice(0, 160)}… → ${plans[0].scans.join("; ")}`;
  if (!goals[0].met) explanation.push(`Board: the slowest query under EXPLAIN ANALYZE takes ${slowest(boardPlans)}.`);
  for (const [goal, plans] of [[goals[1], listPlans], [goals[2], deepPlans]] as const) {
    if (!goal.met) explanation.push(`${goal.name}: the slowest query takes ${slowest(plans)}.`);
  }

  // What-if, on this throwaway database only: the same timings with the recommended indexes in place.
  const whatIf: BenchResult["figures"] = {};
  if (recommendedIndexes.length) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const statement of recommendedIndexes) await client.query(statement);
    await client.query("vacuum analyze payments");
    await client.end();
    const db2 = await getDb();
    const b = summarise(await timeRuns(() => getBoard(db2, merchantId, now), runs));
    const f = summarise(await timeRuns(() => listPayments(db2, filter), runs));
    const d = summarise(await timeRuns(() => listPayments(db2, deep), runs));
    await closeDb();
    Object.assign(whatIf, {
      "with indexes: board p50 ms": b.p50,
      "with indexes: board p99 ms": b.p99,
      "with indexes: list first page p99 ms": f.p99,
      "with indexes: list deep page p50 ms": d.p50,
      "with indexes: list deep page p99 ms": d.p99,
    });
    console.log(`with the recommended indexes: board p50 ${b.p50} p99 ${b.p99}; list first p99 ${f.p99}; deep p50 ${d.p50} p99 ${d.p99}`);
    explanation.push(
      `With ${recommendedIndexes.length} recommended index(es) created on the bench database (not a migration): board p99 ${board.p99} → ${b.p99} ms, deep page p99 ${deepPage.p99} → ${d.p99} ms.`,
    );
  }
  const file = writeResult({
    name: "board",
    title: `Board and payments list at ${n.toLocaleString("en")} payments (PostgreSQL)`,
    command: `npx tsx lib/cli/bench/board.ts ${process.argv.slice(2).join(" ")}`.trim(),
    smoke,
    startedAt: new Date(started).toISOString(),
    seconds: round((Date.now() - started) / 1000, 1),
    figures: {
      payments: n,
      runs,
      seedSeconds,
      "board p50 ms": board.p50,
      "board p99 ms": board.p99,
      "list first page p50 ms": first.p50,
      "list first page p99 ms": first.p99,
      "list deep page p50 ms": deepPage.p50,
      "list deep page p99 ms": deepPage.p99,
      "deep page offset": deepOffset,
      "floor: 30-day slot totals sum p50 ms": countFloor.p50,
      "floor: 30-day slot totals sum p99 ms": countFloor.p99,
      "before: former board 30-day scan of payments p50 ms": formerScan.p50,
      "before: former board 30-day scan of payments p99 ms": formerScan.p99,
      "floor: indexed page p50 ms": pageFloor.p50,
      "floor: indexed page p99 ms": pageFloor.p99,
      ...whatIf,
    },
    ratios: {
      "board p50 / 30-day slot totals sum p50": round(board.p50 / countFloor.p50, 2),
      "board p50 / former 30-day scan p50": round(board.p50 / formerScan.p50, 2),
      "list first page p50 / indexed page p50": round(first.p50 / pageFloor.p50, 2),
      "list deep page p50 / indexed page p50": round(deepPage.p50 / pageFloor.p50, 2),
    },
    goals,
    ...(explanation.length ? { explanation } : {}),
    ...(recommendedIndexes.length ? { recommendedIndexes } : {}),
    plans: { board: boardPlans, listFirstPage: listPlans, listDeepPage: deepPlans },
  });
  console.log(`→ ${file}`);
}

await main();
