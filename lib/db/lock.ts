import fs from "node:fs";

export interface DirectoryLock {
  release(): void;
}

export class DatabaseLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database at ${dir} is already in use by process ${pid}. ` +
        `PGlite allows one process per data directory (two would silently lose writes): ` +
        `stop the other process, or set DATABASE_URL to use PostgreSQL.`,
    );
    this.name = "DatabaseLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes an exclusive lock on a data directory with a pid file created atomically (O_EXCL).
 * A lock left by a dead process is taken over; one held by this process is shared.
 */
export function acquireDirectoryLock(dir: string): DirectoryLock {
  // Beside the directory, not inside it: PGlite decides whether to initdb from its contents.
  const file = `${dir.replace(/[\\/]+$/, "")}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return { release: () => releaseIfOwn(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(file, "utf8").trim());
      if (holder === process.pid) return { release: () => undefined };
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) throw new DatabaseLockedError(dir, holder);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

function releaseIfOwn(file: string) {
  try {
    if (Number(fs.readFileSync(file, "utf8").trim()) === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // Already gone: nothing to release.
  }
}
