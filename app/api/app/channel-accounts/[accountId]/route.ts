// PATCH /api/app/channel-accounts/{accountId} – 设置 › 收款渠道 renews an account's credentials, disables or enables it (owners)
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { channelAccountUpdateSchema, updateChannelAccount } from "@/lib/services/channel-accounts";

export const PATCH = sessionRoute(async ({ db, user, request }, { accountId }) => {
  const input = await readJson(request, channelAccountUpdateSchema);
  return Response.json(await updateChannelAccount(db, { merchantId: user.merchantId, id: accountId, actor: { type: "user", id: user.id }, ...input }));
});
