// Crash test: the real server (`next start`, the production build) is killed with SIGKILL during a
// statement import and during the matching that follows it, restarted, and the database it left
// behind must be consistent — nothing lost, nothing doubled.
//
// Why a Playwright spec that spawns its own servers: a crash test needs the real server process
// (instrumentation boot, the recovery sweep, the PGlite lock) and a real kill, so it needs `next
// build` — CI builds after `npm test` and before Playwright, so a vitest test could not start it.
// The spec starts and kills its own `next start` processes (own port, own database) beside the
// Playwright webServer, which it does not use. On PostgreSQL the kill point is exact: the test watches
// pg_locks / the payments table from its own connection and kills the moment the import transaction
// is writing, or the moment the import has committed and matching is still going. On the embedded
// PGlite (the default database: one process per directory, so nothing can watch it live) the kill
// lands after a delay; the test then opens the directory itself, finds the dead server's lock file,
// checks the data, and restarts the server on it, which must take the stale lock over.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { buildCsv, CMB_HEADER, cmbCredit } from "../fixtures/statements/cn-exports";
import { moneyViolations, type RowQuery } from "../helpers/money-invariants";
import { drizzle } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import type { Db } from "@/lib/db/client";
import * as schema from "@/lib/db/schema";
import { verifyAuditChains } from "@/lib/services/audit-verify";

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// CI size; LDXP_CRASH_ORDERS=2000 LDXP_CRASH_LINES=20000 for the full-size run on demand (minutes:
// every line no order claims goes through the matching engine, one payment at a time).
const ORDERS = Number(process.env.LDXP_CRASH_ORDERS ?? 1_000);
const LINES = Number(process.env.LDXP_CRASH_LINES ?? 4_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One `next start` process of the production build, on its own port and database. */
class AppServer {
  private child: ChildProcess | null = null;
  private output = "";
  readonly base: string;

  constructor(
    private readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  async start() {
    this.output = "";
    // Its own process group: the SIGKILL reaches next start and anything it forked, nothing else.
    const child = spawn("node_modules/.bin/next", ["start", "-H", "127.0.0.1", "-p", String(this.port)], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        AUTH_SECRET: "crash-secret-crash-secret-crash-secret",
        LOG_LEVEL: "warn",
        API_RATE_LIMIT_PER_MINUTE: "1000000",
        SIGNUP_RATE_LIMIT_PER_HOUR: "1000",
        ...this.env,
      },
    });
    child.stdout?.on("data", (d) => (this.output += String(d)));
    child.stderr?.on("data", (d) => (this.output += String(d)));
    this.child = child;
    // Boot includes the recovery sweep, which finishes matching a killed import before serving.
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${this.output}`);
      const ok = await fetch(`${this.base}/api/health`).then((r) => r.ok, () => false);
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`server did not become healthy:\n${this.output}`);
  }

  get pid() {
    return this.child?.pid ?? 0;
  }

  /** SIGKILL: no shutdown hook, no lock release, no transaction finished. */
  async kill() {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGKILL");
    await exited;
    this.child = null;
  }

  logs() {
    return this.output;
  }

  async api(pathname: string, init: { method?: string; apiKey?: string; json?: unknown; csv?: string } = {}) {
    const headers: Record<string, string> = {};
    if (init.apiKey) headers.authorization = `Bearer ${init.apiKey}`;
    if (init.json !== undefined) headers["content-type"] = "application/json";
    if (init.csv !== undefined) headers["content-type"] = "text/csv";
    const res = await fetch(`${this.base}${pathname}`, {
      method: init.method ?? (init.json !== undefined || init.csv !== undefined ? "POST" : "GET"),
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.csv,
    });
    const text = await res.text();
    return { status: res.status, text, json: text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : null };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fixture {
  apiKey: string;
  merchantId: string;
  bankAccountId: string;
  orders: { reference: string; amount: number }[];
  csv: string;
  lines: number;
}

/**
 * A merchant with `orderCount` orders and a CMB statement of `lineCount` credits: half the orders
 * paid by one line naming them (settled in the import transaction), the other half by two half-amount
 * lines naming the same order (left to the engine after the commit), the rest noise the engine
 * checks and leaves unmatched.
 */
async function setUp(server: AppServer, orderCount: number, lineCount: number): Promise<Fixture> {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const signup = await server.api("/api/v1/signup", { json: { merchantName: `崩溃测试 ${id}`, email: `crash-${id}@example.cn`, password: "correct horse battery" } });
  expect(signup.status, signup.text).toBe(201);
  const apiKey = String(signup.json!.apiKey);
  const bank = await server.api("/api/v1/channel-accounts", {
    apiKey,
    json: { channel: "bank", name: "招商银行 基本户", credentials: { bankName: "招商银行", accountNo: "755912345610101" } },
  });
  expect(bank.status, bank.text).toBe(201);

  const orders: Fixture["orders"] = [];
  const queue = Array.from({ length: orderCount }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const amount = 10_000 + i * 2; // even fen: the split half-payments are whole fen
        const res = await server.api("/api/v1/checkout", { apiKey, json: { orderNo: `CRASH-${id}-${i}`, source: "web", amount } });
        expect(res.status, res.text).toBe(201);
        orders[i] = { reference: String(res.json!.reference), amount };
      }
    }),
  );

  const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll("-", "");
  const yuan = (fen: number) => (fen / 100).toFixed(2);
  const rows: ReturnType<typeof cmbCredit>[] = [];
  const line = (credit: number, memo: string) =>
    rows.push(
      cmbCredit({
        date,
        time: "10:00:00",
        credit: yuan(credit),
        serial: `C${id}${String(rows.length).padStart(6, "0")}`,
        memo,
        payer: `付款人${rows.length % 97}`,
        account: `62258801${String(rows.length).padStart(8, "0")}`,
      }),
    );
  const half = Math.floor(orderCount / 2);
  orders.forEach((o, i) => {
    if (i < half) line(o.amount, `货款 ${o.reference}`);
    else {
      line(o.amount / 2, `货款 ${o.reference} 第一笔`);
      line(o.amount / 2, `货款 ${o.reference} 第二笔`);
    }
  });
  while (rows.length < lineCount) line(1_000 + ((rows.length * 7919) % 900_000), `往来款 杂项 ${rows.length}`);
  return { apiKey, merchantId: String(signup.json!.merchantId), bankAccountId: String(bank.json!.id), orders, csv: buildCsv(CMB_HEADER, rows), lines: rows.length };
}

const importPath = (f: Fixture) => `/api/v1/statements?channelAccountId=${f.bankAccountId}&format=cmb-csv`;

/** Posts the statement without waiting: the server is killed while it answers. */
function postInFlight(server: AppServer, f: Fixture) {
  return server.api(importPath(f), { apiKey: f.apiKey, csv: f.csv }).catch((err: unknown) => ({ status: 0, text: String(err), json: null }));
}

/** What a killed server left behind, read straight from the database. */
async function inspect({ query, db }: { query: RowQuery; db: Db }, f: Fixture) {
  const one = async (text: string) => Number(Object.values((await query(text))[0])[0]);
  const m = `'${f.merchantId}'`;
  const [chain] = await verifyAuditChains(db, { merchantId: f.merchantId });
  return {
    statements: await one(`select count(*) from statements where merchant_id = ${m}`),
    payments: await one(`select count(*) from payments where merchant_id = ${m} and channel = 'bank'`),
    unchecked: await one(`select count(*) from payments where merchant_id = ${m} and match_checked_at is null`),
    paidOrders: await one(`select count(*) from orders where merchant_id = ${m} and paid_amount >= amount`),
    // The same payment allocated to the same order twice is a doubled allocation.
    doubled: await one(`select count(*) from (select payment_id, order_id from allocations where merchant_id = ${m} group by 1, 2 having count(*) > 1) d`),
    overpaidOrders: await one(`select count(*) from orders where merchant_id = ${m} and paid_amount > amount`),
    violations: await moneyViolations(query),
    chainBreak: chain.broken,
  };
}

test.describe.configure({ mode: "serial" });

test.describe("crash during import and matching on PostgreSQL", () => {
  let admin: pg.Client;
  let db: pg.Client;
  let server: AppServer;
  const dbName = `ldxp_crash_${process.pid}_${Date.now().toString(36)}`;
  const query: RowQuery = async (text) => (await db.query(text)).rows as Record<string, unknown>[];
  const handle = () => ({ query, db: drizzle({ client: db, schema }) as unknown as Db });

  test.beforeAll(async () => {
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    server = new AppServer(await freePort(), { DATABASE_URL: url.toString(), LDXP_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "ldxp-crash-")) });
    await server.start();
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
  });

  test.afterAll(async () => {
    await server?.kill();
    await db?.end();
    await admin?.query(`drop database if exists ${dbName} with (force)`);
    await admin?.end();
  });

  /** The import transaction is open and writing: it holds row locks on both statements and payments. */
  const importWriting = async () =>
    Number(
      (
        await db.query(`select count(*)::int as n from pg_locks s join pg_class cs on cs.oid = s.relation
          join pg_locks p on p.pid = s.pid join pg_class cp on cp.oid = p.relation
          where cs.relname = 'statements' and s.mode = 'RowExclusiveLock' and cp.relname = 'payments' and p.mode = 'RowExclusiveLock'`)
      ).rows[0].n,
    ) > 0;
  const openTransactions = async () =>
    Number((await db.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`)).rows[0].n);

  test("killed mid-import: all of the file or none of it; after a restart the same file imports exactly once", async () => {
    test.setTimeout(600_000);
    const f = await setUp(server, ORDERS, LINES);
    const posted = postInFlight(server, f);
    await expect.poll(importWriting, { timeout: 60_000, intervals: [10] }).toBe(true);
    await server.kill();
    await posted;
    // PostgreSQL rolls back the dead connection's transaction once it notices the socket closed.
    await expect.poll(openTransactions, { timeout: 30_000 }).toBe(0);

    const after = await inspect(handle(), f);
    expect([0, f.lines]).toContain(after.payments);
    expect(after.statements).toBe(after.payments === 0 ? 0 : 1);
    expect(after.violations).toEqual([]);
    expect(after.doubled).toBe(0);
    expect(after.chainBreak).toBeNull();
    test.info().annotations.push({ type: "kill point", description: after.payments === 0 ? "inside the import transaction" : "after the commit" });

    await server.start();
    const again = await server.api(importPath(f), { apiKey: f.apiKey, csv: f.csv });
    expect(again.status, again.text).toBe(200);
    expect(Number(again.json!.imported) + Number(again.json!.duplicates)).toBe(f.lines);
    const twice = await server.api(importPath(f), { apiKey: f.apiKey, csv: f.csv });
    expect(twice.json).toMatchObject({ imported: 0, duplicates: f.lines });

    const final = await inspect(handle(), f);
    expect(final).toMatchObject({ payments: f.lines, unchecked: 0, doubled: 0, overpaidOrders: 0, violations: [], chainBreak: null });
    // Every order named by a full-amount line is paid; the split ones at most to their amount.
    expect(final.paidOrders).toBeGreaterThanOrEqual(f.orders.length / 2);
  });

  test("killed while matching after the import committed: the boot sweep finishes it, nothing doubled", async () => {
    test.setTimeout(600_000);
    const f = await setUp(server, ORDERS / 2, LINES);
    const m = `'${f.merchantId}'`;
    const committedUnmatched = async () =>
      Number(
        (await db.query(`select count(*)::int as n from payments where merchant_id = ${m} and statement_id is not null and match_checked_at is null`)).rows[0].n,
      );
    const posted = postInFlight(server, f);
    await expect.poll(committedUnmatched, { timeout: 120_000, intervals: [10] }).toBeGreaterThan(0);
    await server.kill();
    await posted;
    await expect.poll(openTransactions, { timeout: 30_000 }).toBe(0);

    const killed = await inspect(handle(), f);
    expect(killed.statements).toBe(1);
    expect(killed.payments).toBe(f.lines);
    expect(killed.unchecked, "the kill left matching unfinished").toBeGreaterThan(0);
    expect(killed).toMatchObject({ doubled: 0, overpaidOrders: 0, violations: [], chainBreak: null });

    // Boot runs the recovery sweep before the server answers its health check.
    await server.start();
    const recovered = await inspect(handle(), f);
    expect(recovered).toMatchObject({ statements: 1, payments: f.lines, unchecked: 0, doubled: 0, overpaidOrders: 0, violations: [], chainBreak: null });
    expect(recovered.paidOrders).toBeGreaterThanOrEqual(killed.paidOrders);
    expect(recovered.paidOrders).toBeGreaterThanOrEqual(f.orders.length / 2);
    const again = await server.api(importPath(f), { apiKey: f.apiKey, csv: f.csv });
    expect(again.json).toMatchObject({ imported: 0, duplicates: f.lines });
    // The repeat is recorded as a statement of its own (all duplicates); nothing else moves.
    expect(await inspect(handle(), f)).toEqual({ ...recovered, statements: 2 });
  });
});

test("crash on the embedded PGlite: the stale lock is taken over on restart, the data is consistent, the file imports exactly once", async () => {
  test.setTimeout(600_000);
  const { PGlite } = await import("@electric-sql/pglite");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ldxp-crash-pglite-"));
  const server = new AppServer(await freePort(), { LDXP_DATA_DIR: dataDir });
  const dbDir = path.join(dataDir, "pglite");
  /** Opens the database the (dead) server left, runs the checks, closes it again. */
  const inspectDir = async (f: Fixture) => {
    const client = new PGlite(dbDir);
    try {
      const query: RowQuery = async (text) => (await client.query<Record<string, unknown>>(text)).rows;
      return await inspect({ query, db: drizzlePglite({ client, schema }) as unknown as Db }, f);
    } finally {
      await client.close();
    }
  };
  try {
    await server.start();
    const f = await setUp(server, ORDERS / 4, LINES / 2);
    const started = Date.now();
    const posted = postInFlight(server, f);
    await sleep(1_500);
    const killedPid = server.pid;
    await server.kill();
    const answer = await posted;
    test.info().annotations.push({ type: "kill point", description: `${Date.now() - started} ms after posting; answer ${answer.status}` });

    // The dead server's lock file is still there, naming a process that no longer exists.
    expect(fs.readFileSync(`${dbDir}.lock`, "utf8").trim()).toBe(String(killedPid));
    const killed = await inspectDir(f);
    expect([0, f.lines]).toContain(killed.payments);
    expect(killed.statements).toBe(killed.payments === 0 ? 0 : 1);
    expect(killed).toMatchObject({ doubled: 0, overpaidOrders: 0, violations: [], chainBreak: null });

    await server.start();
    const again = await server.api(importPath(f), { apiKey: f.apiKey, csv: f.csv });
    expect(again.status, again.text).toBe(200);
    expect(Number(again.json!.imported) + Number(again.json!.duplicates)).toBe(f.lines);
    const twice = await server.api(importPath(f), { apiKey: f.apiKey, csv: f.csv });
    expect(twice.json).toMatchObject({ imported: 0, duplicates: f.lines });
    await server.kill();

    const final = await inspectDir(f);
    // One statement row per import that committed: the killed one if it did, the repeat and the all-duplicates one.
    expect(final).toMatchObject({ statements: killed.statements + 2, payments: f.lines, unchecked: 0, doubled: 0, overpaidOrders: 0, violations: [], chainBreak: null });
    expect(final.paidOrders).toBeGreaterThanOrEqual(f.orders.length / 2);
  } finally {
    await server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
