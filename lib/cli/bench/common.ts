// Shared by the benchmark scripts: fresh databases, percentiles, machine facts and result files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const RESULTS_DIR = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "bench-results");

/**
 * The V8 flags package.json's start script gives the app: a 32 MB young generation (V8's default is
 * 16 MB), in which the short-lived rows of a report mostly die before being copied —
 * a 1M-payment workbook 25 % faster at the same peak memory. Benchmarks run the app with them too.
 */
export const APP_NODE_OPTIONS = "--max-semi-space-size=32";

/** NODE_OPTIONS with the app's flags first, so flags an operator set (later) still win. */
export function appNodeOptions(own = process.env.NODE_OPTIONS): string {
  return own?.includes(APP_NODE_OPTIONS) ? own : `${APP_NODE_OPTIONS} ${own ?? ""}`.trim();
}

/** Drops and recreates `name` on the local server; returns its URL. Each benchmark owns its database. */
export async function freshDatabase(name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error("database name: a plain identifier");
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Nearest-rank percentile of already collected samples (ms). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** p50/p99/max of samples in ms, rounded for the report. */
export function summarise(samples: number[]) {
  return { n: samples.length, p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2), max: round(Math.max(...samples), 2) };
}

/** Times `fn` `times` times after `warmup` untimed runs; samples in ms. */
export async function timeRuns(fn: () => Promise<unknown>, times: number, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** A goal as the report shows it: what was wanted, what was measured, and whether it held. */
export interface Goal {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

/** What every benchmark writes to bench-results/<name>.json and BENCHMARKS.md reads back. */
export interface BenchResult {
  name: string;
  title: string;
  command: string;
  smoke: boolean;
  startedAt: string;
  seconds: number;
  /** Label → figure, as measured (ours and the baselines side by side). */
  figures: Record<string, number | string>;
  /** Ours over the baseline, e.g. "ingest / verify-only route": 0.71. */
  ratios: Record<string, number>;
  goals: Goal[];
  /** Why a goal was missed, from a profile or EXPLAIN ANALYZE, and what to do about it. */
  explanation?: string[];
  /** Indexes the lead should add (exact SQL), when a plan shows one missing. */
  recommendedIndexes?: string[];
  /** Hottest frames of a CPU profile, self time, when one was taken. */
  profile?: { file: string; topFrames: { frame: string; selfPct: number }[] };
  /** EXPLAIN ANALYZE summaries of the queries measured, slowest first. */
  plans?: Record<string, { sql: string; ms: number; scans: string[] }[]>;
}

/** Smoke results go to bench-results/smoke/ so a smoke run never overwrites a real figure. */
export const resultsDir = (smoke: boolean) => (smoke ? path.join(RESULTS_DIR, "smoke") : RESULTS_DIR);

export function writeResult(result: BenchResult, dir = resultsDir(result.smoke)): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

export async function postgresVersion(url = ADMIN_URL): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("show server_version");
    return rows[0].server_version;
  } finally {
    await client.end();
  }
}
