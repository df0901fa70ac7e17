import type pg from "pg";

/** Resolves once some backend of this database waits for a row lock, asked on `client`; throws after about 5 s. */
export async function someoneWaitsForALock(client: pg.Client, what: string) {
  for (let i = 0; i < 200; i++) {
    const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nobody waited for ${what}`);
}
