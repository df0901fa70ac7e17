// POST /api/v1/channel-accounts – configure a channel account; GET ?limit=&cursor= lists them, oldest first (never credentials)
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { decodeCursor, parseLimit } from "@/lib/http/pagination";
import { channelAccountSchema, createChannelAccount, listChannelAccountsPage } from "@/lib/services/channel-accounts";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const input = await readJson(request, channelAccountSchema);
  const account = await createChannelAccount(db, {
    merchantId,
    actor: { type: "api_key", id: apiKeyId },
    ...input,
  });
  return Response.json(account, { status: 201 });
});

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  return Response.json(await listChannelAccountsPage(db, { merchantId, limit: parseLimit(q.get("limit")), cursor: decodeCursor(q.get("cursor")) }));
});
