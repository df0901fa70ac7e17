// `npm run keys:rotate`: with the new key in ENCRYPTION_KEY and the old one(s) in ENCRYPTION_KEY_PREVIOUS,
// re-wraps every stored secret under the new key while the app keeps running.
import { loadKeyRing } from "@/lib/crypto/secrets";
import { closeDb, getDb } from "@/lib/db/client";
import { rotateEncryptionKeys } from "@/lib/services/key-rotation";

const ring = loadKeyRing();
const counts = await rotateEncryptionKeys(await getDb(), ring);
await closeDb();
console.log(`re-wrapped under key ${ring.current.id}:`, counts);
