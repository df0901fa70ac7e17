import fs from "node:fs";
import path from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { readConfig, type AppConfig } from "@/lib/config/env";
import { acquireDirectoryLock, type DirectoryLock } from "@/lib/db/lock";
import * as schema from "@/lib/db/schema";
import { logger } from "@/lib/log";

export type Schema = typeof schema;
/** One database type for all three drivers (PGlite, node-postgres, Neon serverless). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

/** The rows of a raw `execute()` result: every driver (PGlite, node-postgres, Neon) answers `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export interface DbHandle {
  db: Db;
  driver: AppConfig["databaseDriver"];
  close(): Promise<void>;
}

const MIGRATIONS = path.join(process.cwd(), "drizzle");

export interface OpenOptions {
  /** An embedded database to start from (a PGlite `dumpDataDir` tarball) instead of an empty one; still migrated after. */
  pgliteDataDir?: Blob;
}

async function openPglite(config: AppConfig, migrations: string, options: OpenOptions): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const inMemory = config.pgliteDir.startsWith("memory://");
  let lock: DirectoryLock | null = null;
  if (!inMemory) {
    // PGlite has no lock of its own: two processes on one directory silently lose writes.
    fs.mkdirSync(config.pgliteDir, { recursive: true });
    lock = acquireDirectoryLock(config.pgliteDir);
  }
  try {
    // (Options go in the first argument: PGlite ignores a second one when the first is not a directory.)
    const client = new PGlite({ dataDir: inMemory ? undefined : config.pgliteDir, loadDataDir: options.pgliteDataDir });
    const db = drizzle({ client, schema }) as unknown as Db;
    await migrate(drizzle({ client, schema }), { migrationsFolder: migrations });
    return {
      db,
      driver: "pglite",
      async close() {
        await client.close();
        lock?.release();
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/**
 * A request waits this long for a pooled connection, then fails (a channel retries its notify) instead of
 * hanging behind a pool that slow downloads or jobs hold.
 */
const CONNECT_TIMEOUT_MS = 15_000;
/** pg_advisory_lock key of schema migrations ("LDXM" in ASCII). */
const MIGRATION_LOCK = 0x4c44584d;

interface LockingClient {
  query(sql: string, params: unknown[]): Promise<unknown>;
  release(): void;
}

/**
 * Runs the migrations holding a session advisory lock on one connection: two instances starting
 * together (a rolling deploy) would otherwise both read the last applied migration and both apply the
 * rest, the second failing halfway. The second waits, then finds nothing left to do.
 */
async function migrateOneAtATime<C extends LockingClient>(client: C, run: (client: C) => Promise<void>): Promise<void> {
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await run(client);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function openPostgres(config: AppConfig, url: string, migrations: string): Promise<DbHandle> {
  const { default: pg } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new pg.Pool({ connectionString: url, max: config.databasePoolMax, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection the server closes (restart, failover, admin) must not crash the process.
  pool.on("error", (err) => logger.warn({ err: err.message }, "idle database connection closed"));
  const db = drizzle({ client: pool, schema });
  await migrateOneAtATime(await pool.connect(), (client) => migrate(drizzle({ client, schema }), { migrationsFolder: migrations }));
  return { db: db as unknown as Db, driver: config.databaseDriver, close: () => pool.end() };
}

async function openNeon(config: AppConfig, url: string, migrations: string): Promise<DbHandle> {
  const { Pool, neonConfig } = await import("@neondatabase/serverless");
  const { drizzle } = await import("drizzle-orm/neon-serverless");
  const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
  const { default: ws } = await import("ws");
  // Node 20 has no global WebSocket; the Neon driver needs one for Pool and transactions.
  neonConfig.webSocketConstructor = ws;
  if (config.neonWsProxy) {
    // A local WebSocket→TCP proxy (development and tests): plain ws, and no pipelining since
    // local PostgreSQL may ask for SCRAM or trust instead of Neon's cleartext password.
    const proxy = config.neonWsProxy;
    neonConfig.wsProxy = () => proxy;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: url, max: config.databasePoolMax, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on("error", (err: Error) => logger.warn({ err: err.message }, "idle database connection closed"));
  const db = drizzle({ client: pool, schema });
  await migrateOneAtATime(await pool.connect(), (client) => migrate(drizzle({ client, schema }), { migrationsFolder: migrations }));
  return { db: db as unknown as Db, driver: "neon", close: () => pool.end() };
}

/**
 * Opens and migrates the configured database. Callers normally use getDb(); `migrations` is another
 * drizzle/ folder only for tests that start from an earlier release's schema.
 */
export async function openDatabase(config: AppConfig = readConfig(), migrations = MIGRATIONS, options: OpenOptions = {}): Promise<DbHandle> {
  if (!config.databaseUrl) return openPglite(config, migrations, options);
  if (config.databaseDriver === "neon") return openNeon(config, config.databaseUrl, migrations);
  return openPostgres(config, config.databaseUrl, migrations);
}

const globalForDb = globalThis as unknown as { __ldxpDb?: Promise<DbHandle> };

/** The process-wide database, opened (and migrated) on first use and cached across hot reloads. */
export function getDbHandle(): Promise<DbHandle> {
  if (!globalForDb.__ldxpDb) {
    globalForDb.__ldxpDb = openDatabase().catch((err) => {
      globalForDb.__ldxpDb = undefined;
      throw err;
    });
  }
  return globalForDb.__ldxpDb;
}

/** Makes an already opened database the process-wide one (tests that open theirs from a prepared copy). */
export async function useDbHandle(handle: DbHandle): Promise<void> {
  await closeDb();
  globalForDb.__ldxpDb = Promise.resolve(handle);
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Closes the cached database (tests, CLI scripts, graceful shutdown). */
export async function closeDb(): Promise<void> {
  const handle = globalForDb.__ldxpDb;
  globalForDb.__ldxpDb = undefined;
  if (handle) await (await handle).close();
}
