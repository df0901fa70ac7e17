import { buildChannelParams as build, type ChannelAccountForParams } from "@/lib/core/checkout/channel-params";
import { decryptJson } from "@/lib/crypto/secrets";
import type { ChannelAccount, Order } from "@/lib/db/schema";
import { webhookPath, type BankCredentials } from "@/lib/services/channel-accounts";

/** Channel parameters for every active account of the order's merchant. */
export function buildChannelParams(order: Order, accounts: ChannelAccount[], baseUrl: string) {
  const forParams: ChannelAccountForParams[] = accounts
    .filter((a) => !a.disabledAt)
    .map((a) => ({
      id: a.id,
      channel: a.channel,
      name: a.name,
      notifyUrl: `${baseUrl}${webhookPath(a.channel, a.id)}`,
      bank: a.channel === "bank" ? decryptJson<BankCredentials>(a.credentialsEnc) : undefined,
    }));
  return build(order, forParams);
}
