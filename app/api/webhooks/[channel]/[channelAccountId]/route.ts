// POST /api/webhooks/{channel}/{channelAccountId} – a channel's notification, answered in its own dialect
import type { ChannelReply } from "@/lib/core/channels/adapter";
import { adapterFor } from "@/lib/core/channels/registry";
import { getDb } from "@/lib/db/client";
import { tracedRoute } from "@/lib/http/api-route";
import { readTextWithin } from "@/lib/http/body";
import { logger } from "@/lib/log";
import { receiveNotification } from "@/lib/services/receive-notification";

const MAX_NOTIFY_BYTES = 256 * 1024;

// A 204 (WeChat Pay's ack) may not carry a body, not even an empty string.
const toResponse = (reply: ChannelReply) =>
  new Response(reply.status === 204 ? null : reply.body, { status: reply.status, headers: { "content-type": reply.contentType } });

export const POST = tracedRoute(async (request: Request, ctx: { params: Promise<{ channel: string; channelAccountId: string }> }) => {
  const { channel, channelAccountId } = await ctx.params;
  const adapter = adapterFor(channel);
  if (!adapter) return new Response("not found", { status: 404 });
  try {
    // Signatures cover the raw bytes: read the body once, as text, and never re-serialise it.
    const rawBody = await readTextWithin(request, MAX_NOTIFY_BYTES);
    if (rawBody === null) return new Response("too large", { status: 413 });
    const headers = Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v]));
    const { reply } = await receiveNotification(await getDb(), { channel, channelAccountId, rawBody, headers });
    return toResponse(reply);
  } catch (err) {
    logger.error({ err, channel, channelAccountId }, "notification failed; the channel will retry");
    return toResponse(adapter.retryLater());
  }
});
