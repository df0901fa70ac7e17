import pg from "pg";
import { afterAll, beforeAll } from "vitest";

/** Resolves once some backend of this database waits for a row lock, asked on `client`; throws after about 5 s. */
export async function someoneWaitsForALock(client: pg.Client, what: string) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nobody waited for ${what}`);
}

/**
 * Two more connections to the test database for the length of a suite: `other` plays another writer,
 * `watcher` asks whether anyone waits for a lock. Read them inside tests (they connect in beforeAll).
 */
export function secondConnections() {
  const c = {} as { other: pg.Client; watcher: pg.Client };
  beforeAll(async () => {
    c.other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([c.other.connect(), c.watcher.connect()]);
  });
  afterAll(async () => {
    await Promise.all([c.other?.end(), c.watcher?.end()]);
  });
  return c;
}
