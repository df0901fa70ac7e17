// `npm run bench [-- --only ingest,latency,board,pglite,bulk,report] [--smoke] [--write-only]`: runs each benchmark as
// its own process on the local PostgreSQL (each creates its own fresh database), collects bench-results/*.json and
// writes BENCHMARKS.md (a smoke run writes bench-results/smoke/BENCHMARKS.md and never touches the real one).
// --write-only regenerates the markdown from the result files already there; --note adds a line about the run.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { appNodeOptions, freshDatabase, machine, postgresVersion, resultsDir, round, writeResult, type BenchResult } from "./bench/common";
import { bulkResult, renderBenchmarks, reportResult, SECTIONS, type BulkJson } from "./bench/markdown";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    smoke: { type: "boolean", default: false },
    "write-only": { type: "boolean", default: false },
    /** Run conditions worth stating next to the figures (repeatable). */
    note: { type: "string", multiple: true },
  },
});
const smoke = values.smoke!;
const dir = resultsDir(smoke);
const names = SECTIONS.map((s) => s.name);
const only = values.only ? values.only.split(",").map((s) => s.trim()) : names;
const unknown = only.filter((o) => !names.includes(o));
if (unknown.length) throw new Error(`--only: unknown ${unknown.join(", ")}; choose from ${names.join(", ")}`);

/** Each benchmark's command line; smoke sizes finish in seconds. */
function commandFor(name: string): string[] {
  const s = smoke ? ["--smoke"] : [];
  switch (name) {
    case "ingest":
    case "latency":
    case "pglite":
      return ["lib/cli/bench/ingest.ts", "--mode", name, ...s];
    case "board":
      return ["lib/cli/bench/board.ts", ...s];
    case "bulk":
      return ["lib/cli/bench-bulk.ts", "--database", `ldxp_bench_bulk${smoke ? "_smoke" : ""}`, "--json", path.join(dir, "bulk.json"), ...(smoke ? ["--sizes", "500,1000"] : [])];
    case "report":
      return ["lib/cli/bench-report.ts", ...(smoke ? ["--payments", "2000"] : [])];
    default:
      throw new Error(name);
  }
}

function run(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  console.log(`\n▶ ${name}: tsx ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${name} exited with ${code}`))));
  });
}

function readResult(name: string): BenchResult | undefined {
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) return undefined;
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  return name === "bulk" && "results" in json ? bulkResult(json as BulkJson, "npm run bench:bulk -- --json bench-results/bulk.json") : (json as BenchResult);
}

async function main() {
  const loadAverage = os.loadavg().map((l) => round(l, 2));
  const failures: string[] = [];
  if (!values["write-only"]) {
    for (const name of only) {
      const args = commandFor(name);
      // Benchmarks choose their own databases; an inherited DATABASE_URL would point two at the same one.
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "silent", NEXT_TELEMETRY_DISABLED: "1", NODE_OPTIONS: appNodeOptions() };
      delete env.DATABASE_URL;
      if (name === "report") env.DATABASE_URL = await freshDatabase(`ldxp_bench_report${smoke ? "_smoke" : ""}`);
      try {
        const out = await run(name, args, env);
        if (name === "report") writeResult(reportResult(out, `npm run bench:report${smoke ? " -- --payments 2000" : ""}`, smoke), dir);
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
        console.error(`✗ ${name}: ${(err as Error).message}`);
      }
    }
  }
  const results = Object.fromEntries(names.map((n) => [n, readResult(n)]));
  const facts = { ...machine(), postgres: await postgresVersion(), loadAverage };
  const notes = [
    ...(smoke ? ["Smoke run: tiny sizes to prove the pipeline; the figures mean nothing."] : []),
    ...(values.note ?? []),
    "The verify-only route baseline is app/api/bench/verify, which answers 404 unless LDXP_BENCH_ROUTES=1 (set only by the benchmark).",
  ];
  const file = smoke ? path.join(dir, "BENCHMARKS.md") : path.resolve(/*turbopackIgnore: true*/ process.cwd(), "BENCHMARKS.md");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderBenchmarks(facts, results, notes));
  console.log(`\n→ ${file}`);
  if (failures.length) {
    console.error(`failed: ${failures.join("; ")}`);
    process.exitCode = 1;
  }
}

await main();
