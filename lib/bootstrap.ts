import { readConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { jobHandlers } from "@/lib/jobs/handlers";
import { logger } from "@/lib/log";
import { seedDemo } from "@/lib/services/demo-seed";

const SWEEP_INTERVAL_MS = 15 * 60_000;
const DELIVERY_INTERVAL_MS = 5_000;
const globalForBoot = globalThis as unknown as { __ldxpBooted?: boolean };

/**
 * Server start-up (Next.js instrumentation): open and migrate the database, seed the demo when
 * asked, pick up payments a crash left unmatched, and — with no Inngest server — run the sweep
 * on a timer in this process.
 */
export async function bootstrap() {
  if (globalForBoot.__ldxpBooted) return;
  globalForBoot.__ldxpBooted = true;
  const config = readConfig();
  const db = await getDb();
  if (config.demoSeed) {
    const demo = await seedDemo(db);
    console.log(
      `\n  LDXP Reconcile demo ${demo.created ? "seeded" : "ready"} — sign in at /login with ${demo.email} / ${demo.password}\n`,
    );
  }
  if (config.jobsMode === "embedded") {
    const sweep = async () => {
      try {
        const result = await jobHandlers.sweep();
        if (result.checked > 0) logger.info(result, "sweep matched unchecked payments");
      } catch (err) {
        logger.error({ err }, "sweep failed");
      }
      try {
        const anomalies = await jobHandlers.anomalySweep();
        if (anomalies.opened > 0 || anomalies.resolved > 0) logger.info({ ...anomalies }, "anomaly sweep");
      } catch (err) {
        logger.error({ err }, "anomaly sweep failed");
      }
    };
    await sweep();
    setInterval(sweep, SWEEP_INTERVAL_MS).unref();
    // Pending storefront deliveries are rows: whatever a restart interrupted goes out on the next tick.
    setInterval(() => {
      jobHandlers.deliverWebhooks().catch((err) => logger.error({ err }, "webhook delivery failed"));
    }, DELIVERY_INTERVAL_MS).unref();
  }
}
