// `npm run db:migrate`: applies drizzle/ migrations to the configured database (DATABASE_URL or PGlite).
import { closeDb, getDbHandle } from "@/lib/db/client";

const { driver } = await getDbHandle();
await closeDb();
console.log(`migrations applied (${driver})`);
