// POST /api/webhooks/alipay/{channelAccountId} – Alipay async notify (form post, RSA2); answers `success`
import { getDb } from "@/lib/db/client";
import { logger } from "@/lib/log";
import { receiveAlipayNotify } from "@/lib/services/receive-alipay";

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function POST(request: Request, ctx: { params: Promise<{ channelAccountId: string }> }) {
  const { channelAccountId } = await ctx.params;
  try {
    const rawBody = await request.text();
    const outcome = await receiveAlipayNotify(await getDb(), {
      channelAccountId,
      rawBody,
      headers: { "content-type": request.headers.get("content-type") ?? "" },
    });
    // Alipay retries anything that is not exactly `success`, so only rejections answer otherwise.
    return outcome.kind === "rejected" ? text("fail", outcome.status) : text("success", 200);
  } catch (err) {
    logger.error({ err, channelAccountId }, "alipay notify failed; Alipay will retry");
    return text("fail", 500);
  }
}
