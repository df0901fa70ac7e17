import { clientAddress, isLoopback, namedRateLimiter } from "@/lib/http/rate-limit";

/** The CredentialsSignin code of a sign-in refused by this limit (the login page words it on its own). */
export const SIGN_IN_RATE_LIMITED = "rate_limited";

const WINDOW_MS = 15 * 60_000;
/** The one count sign-ins share when no trusted proxy says where they come from. */
const UNATTRIBUTED = "unattributed";

/**
 * LOGIN_RATE_LIMIT_PER_15_MIN: sign-in attempts per client address in 15 minutes, 30 by default:
 * a few mistyped passwords by each of an office's people behind one address, not a guessing run
 * over many accounts (which the per-account lock-out alone cannot stop). Read here, next to its
 * one use, as TRUST_PROXY_HOPS is.
 */
export function signInRateLimitPer15Min(env: Record<string, string | undefined> = process.env): number {
  const text = env.LOGIN_RATE_LIMIT_PER_15_MIN?.trim();
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 ? n : 30;
}

/**
 * Counts a sign-in attempt against its client address: null when it may go ahead, else the seconds
 * to wait. Like the sign-up limit, an address is only known through a trusted proxy
 * (TRUST_PROXY_HOPS); without one every attempt shares one count, since any key a client writes
 * itself (or a loopback exemption it could claim) would leave it unlimited. The server's own machine,
 * as a trusted proxy reports it (acceptance tests, scripts), is not limited.
 */
export function hitSignInRateLimit(headers: Headers, now: number = Date.now()): number | null {
  const client = clientAddress(headers);
  if (client !== null && isLoopback(client)) return null;
  return namedRateLimiter("sign-in", signInRateLimitPer15Min(), WINDOW_MS).hit(client ?? UNATTRIBUTED, now);
}
