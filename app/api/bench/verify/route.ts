// POST /api/bench/verify – benchmark baseline only: Alipay's verify step with no database, the framework's ceiling.
// 404 unless LDXP_BENCH_ROUTES=1, so production answers it exactly like an unknown path.
import { alipayAdapter } from "@/lib/core/channels/alipay";
import { readConfig } from "@/lib/config/env";
import { tracedRoute } from "@/lib/http/api-route";

export const POST = tracedRoute(async (request: Request) => {
  const config = readConfig();
  if (!config.benchRoutes || !config.benchAlipayPublicKey) return new Response("not found", { status: 404 });
  const rawBody = await request.text();
  const headers = Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v]));
  // The webhook's own verifier with the same credentials shape, minus the account lookup and the write.
  const result = await alipayAdapter.receive({
    rawBody,
    headers,
    credentials: { appId: new URLSearchParams(rawBody).get("app_id") ?? "", alipayPublicKey: config.benchAlipayPublicKey },
    now: new Date(),
  });
  const reply = result.kind === "accepted" ? alipayAdapter.ack() : alipayAdapter.reject(result.status);
  return new Response(reply.body, { status: reply.status, headers: { "content-type": reply.contentType } });
});
