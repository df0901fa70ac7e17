// POST /api/webhooks/doudian/{channelAccountId} – 抖店 message push: orders arriving by themselves
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/api-route";
import { readTextWithin } from "@/lib/http/body";
import { DOUDIAN_ACK, receiveDoudianPush } from "@/lib/services/doudian-push";

const MAX_PUSH_BYTES = 256 * 1024;

export const POST = publicRoute(async (request, params) => {
  // The signature covers the raw bytes: read the body once, as text, and never re-serialise it.
  const rawBody = await readTextWithin(request, MAX_PUSH_BYTES);
  if (rawBody === null) throw new ApiError(413, "payload_too_large", "Push body is too large");
  const headers = Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v]));
  await receiveDoudianPush(await getDb(), { channelAccountId: params.channelAccountId ?? "", rawBody, headers });
  return Response.json(DOUDIAN_ACK);
});
