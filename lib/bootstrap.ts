import { readConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { jobHandlers } from "@/lib/jobs/handlers";
import { logger } from "@/lib/log";
import { seedDemo } from "@/lib/services/demo-seed";

const SWEEP_INTERVAL_MS = 15 * 60_000;
const DELIVERY_INTERVAL_MS = 5_000;
const RETRY_START_MS = 30_000;
const globalForBoot = globalThis as unknown as { __ldxpBooted?: boolean };

/**
 * Server start-up (Next.js instrumentation): open and migrate the database, seed the demo when
 * asked, pick up payments a crash left unmatched, and — with no Inngest server — run the sweep
 * on a timer in this process. Next.js holds every request until this returns, so it waits for the
 * database, the demo and the matching a crash left undone, not for the anomaly sweep. A start that fails
 * (the database not reachable yet) is logged and tried again, never left to fail every request.
 */
export async function bootstrap() {
  if (globalForBoot.__ldxpBooted) return;
  globalForBoot.__ldxpBooted = true;
  try {
    await start();
  } catch (err) {
    globalForBoot.__ldxpBooted = false;
    logger.error({ err }, `start-up failed; trying again in ${RETRY_START_MS / 1000} s`);
    setTimeout(() => void bootstrap(), RETRY_START_MS).unref();
  }
}

async function start() {
  const config = readConfig();
  const db = await getDb();
  if (config.demoSeed) {
    const demo = await seedDemo(db);
    console.log(
      `\n  LDXP Reconcile demo ${demo.created ? "seeded" : "ready"} — sign in at /login with ${demo.email} / ${demo.password}\n`,
    );
  }
  if (config.jobsMode !== "embedded") return;
  // Payments a crash left unchecked are matched before the first request (bounded: a thousand at a time,
  // a hundred times); the anomaly sweep over every merchant follows behind the first requests.
  await recover();
  setImmediate(() => void anomalies());
  setInterval(() => void sweep(), SWEEP_INTERVAL_MS).unref();
  // Pending storefront deliveries are rows: whatever a restart interrupted goes out on the next tick.
  setInterval(() => void deliver(), DELIVERY_INTERVAL_MS).unref();
}

/**
 * `run` wrapped so that a call while the previous one is still going does nothing: a run may outlast its
 * timer's tick (a slow endpoint, a large merchant's sweep), and a second one beside it would post an
 * endpoint's next events while the first still waits on it — out of order, more than one request per
 * backoff to a failing endpoint — or sweep the same rows twice at once.
 */
export function oneAtATime(run: () => Promise<void>): () => Promise<void> {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    try {
      await run();
    } finally {
      running = false;
    }
  };
}

async function recover() {
  try {
    const result = await jobHandlers.sweep();
    if (result.checked > 0) logger.info(result, "sweep matched unchecked payments");
  } catch (err) {
    logger.error({ err }, "sweep failed");
  }
}

const anomalies = oneAtATime(async () => {
  try {
    const result = await jobHandlers.anomalySweep();
    if (result.opened > 0 || result.resolved > 0) logger.info({ ...result }, "anomaly sweep");
  } catch (err) {
    logger.error({ err }, "anomaly sweep failed");
  }
});

const sweep = oneAtATime(async () => {
  await recover();
  await anomalies();
});

const deliver = oneAtATime(async () => {
  try {
    await jobHandlers.deliverWebhooks();
  } catch (err) {
    logger.error({ err }, "webhook delivery failed");
  }
});
