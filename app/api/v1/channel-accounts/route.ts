// POST /api/v1/channel-accounts – configure a channel account; GET lists them (never credentials)
import { z } from "zod";
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { createChannelAccount, listChannelAccounts } from "@/lib/services/channel-accounts";

const schema = z.object({
  channel: z.enum(["alipay", "wechatpay", "unionpay", "douyin", "stripe", "paypal", "bank", "other", "doudian"]),
  name: z.string().trim().min(1).max(100),
  credentials: z.record(z.string(), z.unknown()),
});

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const input = await readJson(request, schema);
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
