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
