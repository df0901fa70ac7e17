/**
 * Fixed-window request counting per key, in process memory. One server process is the unit a
 * limit protects; with several, each enforces its own share — good enough to stop a runaway
 * client, not a distributed quota.
 */
export interface RateLimiter {
  /** null when allowed, else the seconds to wait. */
  hit(key: string, now?: number): number | null;
}

export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key, now = Date.now()) {
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        if (windows.size > 10_000) {
          for (const [k, v] of windows) if (now - v.start >= windowMs) windows.delete(k);
        }
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      return w.count > limit ? Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) : null;
    },
  };
}

const globalLimiters = globalThis as unknown as { __ldxpLimiters?: Map<string, RateLimiter> };

/** A process-wide limiter by name, created on first use. */
export function namedRateLimiter(name: string, limit: number, windowMs: number): RateLimiter {
  const all = (globalLimiters.__ldxpLimiters ??= new Map());
  let limiter = all.get(name);
  if (!limiter) {
    limiter = createRateLimiter(limit, windowMs);
    all.set(name, limiter);
  }
  return limiter;
}

/**
 * TRUST_PROXY_HOPS: how many proxies in front of the app append to X-Forwarded-For. 1 by default (a
 * host's load balancer, or `next start` itself, which writes the socket's address when a client sends
 * none); 0 when clients reach `next start` directly and could write the header themselves. Read here
 * rather than in readConfig: it matters to the one decision below.
 */
export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const text = env.TRUST_PROXY_HOPS?.trim();
  const n = Number(text);
  return text && Number.isInteger(n) && n >= 0 ? n : 1;
}

/**
 * The address a request came from, as the outermost of `hops` trusted proxies saw it: each appends the
 * peer it talked to, so that one is the hops-th entry from the end; entries before it are whatever the
 * client wrote. null when it cannot be told: no trusted proxy (a route handler has no socket, and
 * `next start` fills the header from the socket only when the client sent none: what a client writes
 * there would be believed), or fewer entries than proxies.
 */
export function clientAddress(headers: Headers, hops: number = trustedProxyHops()): string | null {
  if (hops < 1) return null;
  const entries = headers.get("x-forwarded-for")?.split(",") ?? [];
  if (entries.length < hops) return null;
  const address = entries[entries.length - hops].trim();
  if (!address) return null;
  // Some proxies (Azure's, for one) write the peer's port too: a new connection must not be a new client.
  return /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address)?.[1] ?? /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(address)?.[1] ?? address;
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6: the server's own machine. */
export function isLoopback(address: string): boolean {
  const v4 = address.replace(/^::ffff:/i, "");
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
