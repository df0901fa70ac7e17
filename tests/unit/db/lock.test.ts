import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireDirectoryLock, DatabaseLockedError } from "@/lib/db/lock";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "ldxp-lock-"));

describe("PGlite data directory lock", () => {
  it("refuses a directory held by another live process with a clear error", () => {
    const dir = path.join(tmp(), "pglite");
    fs.writeFileSync(`${dir}.lock`, String(process.ppid));
    expect(() => acquireDirectoryLock(dir)).toThrow(DatabaseLockedError);
    expect(() => acquireDirectoryLock(dir)).toThrow(/already in use by process/);
  });

  it("takes over a lock left by a dead process and releases it", () => {
    const dir = path.join(tmp(), "pglite");
    fs.writeFileSync(`${dir}.lock`, "999999999");
    const lock = acquireDirectoryLock(dir);
    expect(fs.readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });

  it("a second process opening the same embedded database gets the error", async () => {
    const { execFileSync } = await import("node:child_process");
    const dataDir = tmp();
    const { openDatabase } = await import("@/lib/db/client");
    const { readConfig } = await import("@/lib/config/env");
    const handle = await openDatabase(readConfig({ LDXP_DATA_DIR: dataDir } as unknown as NodeJS.ProcessEnv));
    try {
      const script = `import("${path.resolve("lib/db/client.ts")}").then(async (m) => { try { await m.openDatabase(); console.log("opened"); } catch (e) { console.log(e.name); } })`;
      const out = execFileSync("node_modules/.bin/tsx", ["-e", script], {
        env: { ...process.env, LDXP_DATA_DIR: dataDir, DATABASE_URL: "", PGLITE_DIR: "" },
        encoding: "utf8",
      });
      expect(out.trim()).toBe("DatabaseLockedError");
    } finally {
      await handle.close();
    }
  }, 60_000);
});
