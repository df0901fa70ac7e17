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
    // Unchained events are a notify's for milliseconds; old ones mean the chainer has not run (the sweep links them).
    const waiting = r.unchained ? `, ${r.unchained} awaiting linking since ${r.oldestUnchainedAt!.toISOString()}` : "";
    console.log(`ok     merchant ${r.merchantId}: ${r.events} events${waiting}`);
  }
}
process.exit(ok ? 0 : 1);
