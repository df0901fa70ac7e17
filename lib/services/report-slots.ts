import { readConfig } from "@/lib/config/env";

/** Gives the slot back once, however many of the stream's endings call it. */
export type Release = () => void;

/**
 * A count of reports this process renders at once. A report reads in one snapshot transaction, and a
 * streamed one holds its connection for as long as the client takes to read it: without a cap, a few
 * slow downloads would take the whole pool and leave channel notifications waiting for a connection.
 */
export function createSlots(max: number) {
  let used = 0;
  const waiting: (() => void)[] = [];
  const granted = (): Release => {
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = waiting.shift();
      if (next) next();
      else used--;
    };
  };
  return {
    /** A slot now, or null when all are taken. */
    tryTake(): Release | null {
      if (used >= max) return null;
      used++;
      return granted();
    },
    /** A slot, once one is free (background jobs wait their turn). */
    async take(): Promise<Release> {
      if (used < max) {
        used++;
        return granted();
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
      return granted();
    },
    get used() {
      return used;
    },
  };
}

export type Slots = ReturnType<typeof createSlots>;

const globalForSlots = globalThis as unknown as { __ldxpReportSlots?: Slots };

/** The process's report slots: a quarter of the database pool (at least one), the rest for everything else. */
export function reportSlots(): Slots {
  globalForSlots.__ldxpReportSlots ??= createSlots(Math.max(1, Math.floor(readConfig().databasePoolMax / 4)));
  return globalForSlots.__ldxpReportSlots;
}
