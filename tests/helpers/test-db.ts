import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { readConfig } from "@/lib/config/env";
import { closeDb, getDb, getDbHandle, openDatabase, useDbHandle, type Db } from "@/lib/db/client";

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// Read once per worker: the files of a worker share this module, and PGlite only reads the blob.
let template: Blob | null = null;
const pgliteTemplate = () => (template ??= new Blob([fs.readFileSync(inject("pgliteTemplate"))]));

/**
 * Gives the calling test file a fresh, migrated database of the suite's kind (TEST_DB):
 * in-memory PGlite, a new PostgreSQL database via node-postgres, or the same via the Neon driver.
 */
export function setupTestDatabase(): { db: () => Db } {
  const mode = process.env.TEST_DB ?? "pglite";
  const dbName = `ldxp_t_${crypto.randomBytes(6).toString("hex")}`;
  let db: Db | null = null;
  beforeAll(async () => {
    process.env.LOG_LEVEL ??= "silent";
    process.env.ENCRYPTION_KEY = crypto.createHash("sha256").update("ldxp test key").digest("hex");
    process.env.LDXP_DATA_DIR = path.join(os.tmpdir(), `ldxp-test-${dbName}`);
    delete process.env.INNGEST_DEV;
    delete process.env.INNGEST_EVENT_KEY;
    await closeDb();
    if (mode === "pglite") {
      delete process.env.DATABASE_URL;
      process.env.PGLITE_DIR = "memory://";
      // Starts from the migrated copy global-setup made (the migrations still run: they find nothing to do).
      await useDbHandle(await openDatabase(readConfig(), undefined, { pgliteDataDir: pgliteTemplate() }));
    } else {
      await admin(`create database ${dbName}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${dbName}`;
      process.env.DATABASE_URL = url.toString();
      process.env.DATABASE_DRIVER = mode === "neon" ? "neon" : "postgres";
      if (mode === "neon") process.env.NEON_WS_PROXY = inject("neonProxy");
    }
    const handle = await getDbHandle();
    if (handle.driver !== (mode === "postgres" ? "postgres" : mode)) {
      throw new Error(`expected driver ${mode}, got ${handle.driver}`);
    }
    db = await getDb();
  });
  afterAll(async () => {
    await closeDb();
    if (mode !== "pglite") await admin(`drop database if exists ${dbName} with (force)`);
  });
  return {
    db: () => {
      if (!db) throw new Error("database not ready");
      return db;
    },
  };
}
