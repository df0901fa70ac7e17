import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startNeonProxy } from "./neon-proxy";

export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    neonProxy: string;
    pgliteTemplate: string;
  }
}

/** Fails the run when PostgreSQL is not there: a missing service must not turn into skipped tests. */
export default async function setup(project: TestProject) {
  const mode = project.config.env?.TEST_DB;
  if (mode === "pglite") {
    project.provide("pgliteTemplate", await pgliteTemplate());
    return;
  }
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (err) {
    throw new Error(`PostgreSQL is required for the ${mode} suite at ${ADMIN_URL}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  if (mode !== "neon") return;
  const proxy = await startNeonProxy();
  project.provide("neonProxy", proxy.endpoint);
  return () => proxy.stop();
}

/**
 * A migrated embedded database as a PGlite data-dir tarball, made once per version of the migrations:
 * each test file loads it (about 1 s) instead of running initdb and the migrations (3–5 s here).
 */
async function pgliteTemplate(): Promise<string> {
  const migrations = path.resolve("drizzle");
  const hash = crypto.createHash("sha256");
  const pgliteVersion = JSON.parse(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite/package.json"), "utf8")).version;
  hash.update(pgliteVersion);
  for (const file of fs.readdirSync(migrations, { recursive: true, encoding: "utf8" }).sort()) {
    const full = path.join(migrations, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  const target = path.join(os.tmpdir(), `ldxp-pglite-template-${hash.digest("hex").slice(0, 16)}.tar`);
  if (fs.existsSync(target)) return target;
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = new PGlite();
  try {
    await migrate(drizzle({ client }), { migrationsFolder: migrations });
    const dump = await client.dumpDataDir("none");
    // Written aside and renamed, so a run stopped halfway never leaves a torn template behind.
    const partial = `${target}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
    fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(partial, target);
  } finally {
    await client.close();
  }
  return target;
}
