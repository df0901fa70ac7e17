import { eq } from "drizzle-orm";
import { z } from "zod";
import { verifyLdxpSignature } from "@/lib/core/webhooks/signature";
import { decryptSecret } from "@/lib/crypto/secrets";
import type { Db } from "@/lib/db/client";
import { storefrontWebhooks } from "@/lib/db/schema";
import { parseJsonText } from "@/lib/http/api-route";
import { unauthorized } from "@/lib/http/errors";
import { checkout, checkoutSchema } from "@/lib/services/checkout";
import { isUuid } from "@/lib/core/ids";

/** A checkout body from a device that holds no API key: mini programs and POS systems. */
export const orderPushSchema = checkoutSchema.extend({ source: z.enum(["miniprogram", "pos", "other"]) });

const refused = () => unauthorized("X-Ldxp-Merchant / X-Ldxp-Signature missing, stale (over 300 s) or not signed with the storefront webhook secret");

/**
 * A signed order push: the body is signed `X-Ldxp-Signature` with the merchant's storefront webhook secret (the
 * scheme the merchant already verifies our events with), checked before the body is read. Then it is a checkout:
 * idempotent on (merchant, source, orderNo), answered with the reference and channel parameters.
 */
export async function pushOrder(
  db: Db,
  params: { merchantId: string; signature: string; rawBody: string; baseUrl: string; now: Date },
) {
  if (!isUuid(params.merchantId)) throw refused();
  const [hook] = await db.select().from(storefrontWebhooks).where(eq(storefrontWebhooks.merchantId, params.merchantId)).limit(1);
  const nowSeconds = Math.floor(params.now.getTime() / 1000);
  if (!hook || !(await verifyLdxpSignature(decryptSecret(hook.secretEnc), params.signature, params.rawBody, nowSeconds))) throw refused();
  const input = parseJsonText(params.rawBody, orderPushSchema);
  return checkout(db, {
    merchantId: params.merchantId,
    actor: { type: "system", id: "order_push" },
    input,
    baseUrl: params.baseUrl,
    now: params.now,
  });
}
