// `npm run audit:verify`: checks every merchant's hash-chained audit trail; exits 1 at the first broken link.
import { closeDb, getDb } from "@/lib/db/client";
import { verifyAuditChains } from "@/lib/services/audit-verify";

const reports = await verifyAuditChains(await getDb());
await closeDb();
let ok = true;
for (const r of reports) {
  if (r.broken) {
    ok = false;
    console.log(`BROKEN merchant ${r.merchantId}: event ${r.broken.eventId} (${r.broken.reason}) of ${r.events}`);
  } else {
    console.log(`ok     merchant ${r.merchantId}: ${r.events} events`);
  }
}
process.exit(ok ? 0 : 1);
