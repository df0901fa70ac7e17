import { describe, expect, it } from "vitest";
import { createRateLimiter } from "@/lib/http/rate-limit";

describe("rate limiter", () => {
  it("allows `limit` hits per window per key, then says how long to wait", () => {
    const limiter = createRateLimiter(3, 60_000);
    const t0 = 1_000_000;
    expect([limiter.hit("a", t0), limiter.hit("a", t0 + 1), limiter.hit("a", t0 + 2)]).toEqual([null, null, null]);
    expect(limiter.hit("a", t0 + 10_000)).toBe(50);
    expect(limiter.hit("b", t0 + 10_000)).toBeNull();
    expect(limiter.hit("a", t0 + 60_000)).toBeNull();
  });
});
