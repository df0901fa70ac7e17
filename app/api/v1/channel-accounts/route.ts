// POST /api/v1/channel-accounts – configure a channel account; GET lists them (never credentials)
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { channelAccountSchema, createChannelAccount, listChannelAccounts } from "@/lib/services/channel-accounts";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const input = await readJson(request, channelAccountSchema);
  const account = await createChannelAccount(db, {
    merchantId,
    actor: { type: "api_key", id: apiKeyId },
    ...input,
  });
  return Response.json(account, { status: 201 });
});

export const GET = merchantRoute(async ({ db, merchantId }) => {
  return Response.json({ data: await listChannelAccounts(db, merchantId), nextCursor: null });
});
