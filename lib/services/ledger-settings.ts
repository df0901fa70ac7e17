import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { CHANNEL_NAMES } from "@/lib/core/channels/types";
import { ALL_WRITE_OFF_CAUSES } from "@/lib/core/matching/types";
import { DEFAULT_LEDGER_ACCOUNTS, resolveLedgerAccounts, type LedgerAccounts } from "@/lib/core/reports";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { merchants } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";

/** The merchants.settings key the vouchers read (see resolveLedgerAccounts). */
const LEDGER_SETTING = "ledgerAccounts";

const account = z
  .object({
    // What 金蝶 and 用友 accept as an account code: digits, letters, dots and dashes.
    code: z.string().trim().regex(/^[0-9A-Za-z.\-]{1,40}$/, "a code of 1–40 digits, letters, dots or dashes"),
    name: z.string().trim().min(1).max(100),
  })
  .strict();

const keyed = <K extends string>(keys: readonly K[]) => z.object(Object.fromEntries(keys.map((k) => [k, account.optional()])) as Record<K, z.ZodOptional<typeof account>>).strict();

/**
 * The accounts a merchant sets: any of them, each `{ code, name }`; what is left out posts to the
 * default. Saving replaces what was set before, so `{}` restores every default.
 */
export const ledgerAccountsSchema = z
  .object({
    channels: keyed(CHANNEL_NAMES).optional(),
    matchedCredit: account.optional(),
    unmatchedCredit: account.optional(),
    refundDebit: account.optional(),
    writeOffDebit: keyed([...ALL_WRITE_OFF_CAUSES, "other"]).optional(),
  })
  .strict();
export type LedgerAccountsInput = z.infer<typeof ledgerAccountsSchema>;

/** The accounts in effect (the merchant's over the defaults) and the defaults themselves. */
export interface LedgerSettings {
  accounts: LedgerAccounts;
  defaults: LedgerAccounts;
}

export async function getLedgerSettings(db: DbOrTx, merchantId: string): Promise<LedgerSettings> {
  const [m] = await db.select({ settings: merchants.settings }).from(merchants).where(eq(merchants.id, merchantId));
  if (!m) throw notFound("Merchant");
  return { accounts: resolveLedgerAccounts(m.settings), defaults: DEFAULT_LEDGER_ACCOUNTS };
}

/** Sets the accounts the vouchers post to; vouchers already downloaded are not touched. */
export async function setLedgerAccounts(db: Db, params: { merchantId: string; actor: Actor; accounts: LedgerAccountsInput }): Promise<LedgerSettings> {
  const { merchantId } = params;
  await db.transaction(async (tx) => {
    const before = await getLedgerSettings(tx, merchantId);
    await tx
      .update(merchants)
      .set({ settings: sql`${merchants.settings} || ${JSON.stringify({ [LEDGER_SETTING]: params.accounts })}::jsonb` })
      .where(eq(merchants.id, merchantId));
    await appendAuditEvents(tx, merchantId, params.actor, [
      { action: "ledger_accounts.set", subjectType: "merchant", subjectId: merchantId, before: { ...before.accounts }, after: { ...params.accounts } },
    ]);
  });
  return getLedgerSettings(db, merchantId);
}
