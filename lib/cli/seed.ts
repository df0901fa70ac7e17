// `npm run db:seed`: seeds the demo merchant into the configured database (idempotent).
import { closeDb, getDb } from "@/lib/db/client";
import { seedDemo } from "@/lib/services/demo-seed";

const demo = await seedDemo(await getDb());
await closeDb();
console.log(`demo ${demo.created ? "seeded" : "already present"}: ${demo.email} / ${demo.password}`);
