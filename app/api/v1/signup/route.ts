// POST /api/v1/signup – bootstrap a merchant, its owner and a first API key
import { z } from "zod";
import { readConfig } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { ApiError, rateLimited } from "@/lib/http/errors";
import { publicRoute, readJson } from "@/lib/http/api-route";
import { clientAddress, isLoopback, namedRateLimiter } from "@/lib/http/rate-limit";
import { signup } from "@/lib/services/signup";

/** The one count sign-ups share when no trusted proxy says where they come from. */
const UNATTRIBUTED = "unattributed";

const schema = z.object({
  merchantName: z.string().trim().min(1).max(100),
  email: z.email().max(254),
  password: z.string().min(10, "must be at least 10 characters").max(200),
});

export const POST = publicRoute(async (request) => {
  if (!readConfig().signupEnabled) throw new ApiError(404, "not_found", "Sign-up is closed on this deployment");
  // Sign-ups per client address per hour: enough for a team, not for a bot farming accounts. The
  // server's own machine (set-up scripts, acceptance tests) is not a bot farm. An address is only
  // known through a trusted proxy (TRUST_PROXY_HOPS); without one every sign-up shares one count, as
  // any key the client writes itself (or a loopback exemption it could claim) would make it unlimited.
  const client = clientAddress(request.headers);
  const limiter = namedRateLimiter("signup", readConfig().signupRateLimitPerHour, 3_600_000);
  const retryAfter = client !== null && isLoopback(client) ? null : limiter.hit(client ?? UNATTRIBUTED);
  if (retryAfter !== null) throw rateLimited(retryAfter, "sign-ups");
  const input = await readJson(request, schema);
  return Response.json(await signup(await getDb(), input), { status: 201 });
});
