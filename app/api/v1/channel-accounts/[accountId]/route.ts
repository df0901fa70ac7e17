// PATCH /api/v1/channel-accounts/{accountId} – rename, renew credentials (merged: null removes a field), disable or enable
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { channelAccountUpdateSchema, updateChannelAccount } from "@/lib/services/channel-accounts";

export const PATCH = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { accountId }) => {
  const input = await readJson(request, channelAccountUpdateSchema);
  return Response.json(await updateChannelAccount(db, { merchantId, id: accountId, actor: { type: "api_key", id: apiKeyId }, ...input }));
});
