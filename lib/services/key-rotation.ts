import { and, eq, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { encryptSecret, rewrapSecret, type KeyRing } from "@/lib/crypto/secrets";
import type { Db } from "@/lib/db/client";
import { channelAccounts, orders, payments, storefrontWebhooks, webhookEvents } from "@/lib/db/schema";

interface EncryptedColumn {
  name: string;
  table: PgTable;
  id: PgColumn;
  column: PgColumn;
  /** The column's property name, as drizzle's update().set() takes it. */
  key: string;
  /** Values written before the column was sealed are plain text: rotation seals them too. */
  sealsPlain?: boolean;
}

const ENCRYPTED: EncryptedColumn[] = [
  { name: "channel_accounts.credentials_enc", table: channelAccounts, id: channelAccounts.id, column: channelAccounts.credentialsEnc, key: "credentialsEnc" },
  { name: "orders.customer_phone_enc", table: orders, id: orders.id, column: orders.customerPhoneEnc, key: "customerPhoneEnc" },
  { name: "payments.payer_account_enc", table: payments, id: payments.id, column: payments.payerAccountEnc, key: "payerAccountEnc" },
  { name: "storefront_webhooks.secret_enc", table: storefrontWebhooks, id: storefrontWebhooks.merchantId, column: storefrontWebhooks.secretEnc, key: "secretEnc" },
  { name: "webhook_events.raw_body", table: webhookEvents, id: webhookEvents.id, column: webhookEvents.rawBody, key: "rawBody", sealsPlain: true },
];

/** A sealed value (encryptSecret's format) starts so; a notification body never does. */
const SEALED = "v1.";

/**
 * Re-wraps every encrypted value under the ring's current key, in small batches so the service
 * keeps running (readers accept the old and the new key throughout), and seals what an earlier
 * release kept in clear (notification bodies). Returns counts per column.
 */
export async function rotateEncryptionKeys(db: Db, ring: KeyRing, batchSize = 500) {
  const counts: Record<string, number> = {};
  const current = `v1.${ring.current.id}.%`;
  for (const c of ENCRYPTED) {
    counts[c.name] = 0;
    for (;;) {
      const rows = (await db
        .select({ id: c.id, value: c.column })
        .from(c.table)
        .where(sql`${c.column} is not null and ${c.column} not like ${current}`)
        .limit(batchSize)) as { id: string; value: string }[];
      if (rows.length === 0) break;
      await db.transaction(async (tx) => {
        for (const row of rows) {
          // Only if the value is still the one read: a secret renewed meanwhile (a new channel key) is the
          // merchant's, and writing the old one back over it would undo the renewal unseen. A value changed
          // under another key is read again by the next batch.
          const next = c.sealsPlain && !row.value.startsWith(SEALED) ? encryptSecret(row.value, ring) : rewrapSecret(row.value, ring);
          await tx.update(c.table).set({ [c.key]: next }).where(and(eq(c.id, row.id), eq(c.column, row.value)));
        }
      });
      counts[c.name] += rows.length;
    }
  }
  return counts;
}
