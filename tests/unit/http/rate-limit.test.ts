import { describe, expect, it } from "vitest";
import { clientAddress, createRateLimiter, isLoopback } from "@/lib/http/rate-limit";

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

describe("client address", () => {
  const from = (xff?: string) => clientAddress(new Headers(xff === undefined ? {} : { "x-forwarded-for": xff }));

  it("is the entry the nearest proxy appended, not what the client wrote before it", () => {
    expect(from("203.0.113.7")).toBe("203.0.113.7");
    expect(from("127.0.0.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(from(" 10.0.0.1 ,  2001:db8::1 ")).toBe("2001:db8::1");
    expect(from("10.0.0.1, 203.0.113.7:51234")).toBe("203.0.113.7");
    expect(from("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(from("[::1]")).toBe("::1");
    expect(from()).toBe("unknown");
    expect(from("")).toBe("unknown");
  });

  it("tells the server's own machine from everyone else", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(a), a).toBe(true);
    for (const a of ["203.0.113.7", "10.0.0.1", "::ffff:10.0.0.1", "1127.0.0.1", "127.0.0.1.evil", "unknown", "::2"]) expect(isLoopback(a), a).toBe(false);
  });
});
