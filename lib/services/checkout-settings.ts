import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { merchants, type Merchant } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";

/** The merchants.settings key: whether a checkout that does not say asks a unique amount. */
const UNIQUE_AMOUNT_SETTING = "uniqueAmountDefault";

export const checkoutSettingsSchema = z
  .object({
    /** Minutes an unpaid order stays open unless its checkout sets expiresAt: 5 minutes to 30 days. */
    orderTtlMinutes: z.number().int().min(5).max(60 * 24 * 30),
    /** Ask every checkout that does not say otherwise for a unique amount (see checkout's uniqueAmount). */
    uniqueAmount: z.boolean(),
  })
  .strict();
export type CheckoutSettings = z.infer<typeof checkoutSettingsSchema>;

/** Whether the merchant's checkouts ask a unique amount when the request does not say. */
export const uniqueAmountByDefault = (merchant: Pick<Merchant, "settings">) => merchant.settings[UNIQUE_AMOUNT_SETTING] === true;

export async function getCheckoutSettings(db: DbOrTx, merchantId: string): Promise<CheckoutSettings> {
  const [m] = await db.select({ orderTtlMinutes: merchants.orderTtlMinutes, settings: merchants.settings }).from(merchants).where(eq(merchants.id, merchantId));
  if (!m) throw notFound("Merchant");
  return { orderTtlMinutes: m.orderTtlMinutes, uniqueAmount: uniqueAmountByDefault(m) };
}

/** Sets how new orders are made; orders already made keep their expiry and amount. */
export async function setCheckoutSettings(db: Db, params: { merchantId: string; actor: Actor; settings: CheckoutSettings }): Promise<CheckoutSettings> {
  const { merchantId, settings } = params;
  await db.transaction(async (tx) => {
    const before = await getCheckoutSettings(tx, merchantId);
    await tx
      .update(merchants)
      .set({
        orderTtlMinutes: settings.orderTtlMinutes,
        settings: sql`${merchants.settings} || ${JSON.stringify({ [UNIQUE_AMOUNT_SETTING]: settings.uniqueAmount })}::jsonb`,
      })
      .where(eq(merchants.id, merchantId));
    await appendAuditEvents(tx, merchantId, params.actor, [
      { action: "checkout_settings.set", subjectType: "merchant", subjectId: merchantId, before: { ...before }, after: { ...settings } },
    ]);
  });
  return getCheckoutSettings(db, merchantId);
}
