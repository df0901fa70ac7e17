// GET /api/health – liveness plus a database round trip
import { sql } from "drizzle-orm";
import { readConfig } from "@/lib/config/env";
import { getDbHandle } from "@/lib/db/client";
import { tracedRoute } from "@/lib/http/api-route";
import { logger } from "@/lib/log";

export const GET = tracedRoute(async () => {
  const config = readConfig();
  try {
    const { db, driver } = await getDbHandle();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ok", database: driver, jobs: config.jobsMode });
  } catch (err) {
    logger.error({ err }, "health check failed");
    return Response.json({ status: "error", database: config.databaseDriver, jobs: config.jobsMode }, { status: 503 });
  }
});
