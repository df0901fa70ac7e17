import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { readConfig } from "@/lib/config/env";
import { openDatabase, rowsOf } from "@/lib/db/client";

describe("openDatabase on the embedded database", () => {
  it("starts from a given data dir when asked, and migrates it", async () => {
    const source = new PGlite();
    await source.exec("create table carried_over (note text); insert into carried_over values ('from the copy')");
    const copy = await source.dumpDataDir("none");
    await source.close();
    const config = readConfig({ ...process.env, DATABASE_URL: "", PGLITE_DIR: "memory://" });
    const handle = await openDatabase(config, undefined, { pgliteDataDir: copy });
    try {
      expect(handle.driver).toBe("pglite");
      expect(rowsOf(await handle.db.execute(sql`select note from carried_over`))).toEqual([{ note: "from the copy" }]);
      expect(rowsOf(await handle.db.execute(sql`select count(*)::int as n from orders`))).toEqual([{ n: 0 }]);
    } finally {
      await handle.close();
    }
  });
});
