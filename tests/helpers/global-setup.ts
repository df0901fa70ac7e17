import pg from "pg";
import type { TestProject } from "vitest/node";
import { startNeonProxy } from "./neon-proxy";

export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    neonProxy: string;
  }
}

/** Fails the run when PostgreSQL is not there: a missing service must not turn into skipped tests. */
export default async function setup(project: TestProject) {
  const mode = project.config.env?.TEST_DB;
  if (mode === "pglite") return;
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
