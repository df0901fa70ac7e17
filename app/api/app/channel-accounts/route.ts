// POST /api/app/channel-accounts – the signed-in owner adds a channel account from 设置 › 收款渠道 (as POST /api/v1/channel-accounts)
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { channelAccountSchema, createChannelAccount } from "@/lib/services/channel-accounts";

export const POST = sessionRoute(async ({ db, user, request }) => {
  const input = await readJson(request, channelAccountSchema);
  const account = await createChannelAccount(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, ...input });
  return Response.json(account, { status: 201 });
});
