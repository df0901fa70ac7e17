import { describe, expect, it } from "vitest";
import { clientAddress, createRateLimiter, isLoopback, trustedProxyHops } from "@/lib/http/rate-limit";

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
  const from = (xff: string | undefined, hops = 1) => clientAddress(new Headers(xff === undefined ? {} : { "x-forwarded-for": xff }), hops);

  it("behind one proxy, is the entry the proxy appended, not what the client wrote before it", () => {
    expect(from("203.0.113.7")).toBe("203.0.113.7");
    expect(from("127.0.0.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(from(" 10.0.0.1 ,  2001:db8::1 ")).toBe("2001:db8::1");
    expect(from("10.0.0.1, 203.0.113.7:51234")).toBe("203.0.113.7");
    expect(from("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(from("[::1]")).toBe("::1");
    expect(from(undefined)).toBeNull();
    expect(from("")).toBeNull();
  });

  it("behind several proxies, is the entry the outermost one appended", () => {
    expect(from("127.0.0.1, 203.0.113.7, 10.0.0.2", 2)).toBe("203.0.113.7");
    expect(from("198.51.100.1, 203.0.113.7, 10.0.0.2, 10.0.0.3", 3)).toBe("203.0.113.7");
    // Fewer entries than proxies: something in front is not what the setting says.
    expect(from("203.0.113.7", 2)).toBeNull();
  });

  it("without a trusted proxy, is not known, whatever the client wrote", () => {
    for (const xff of ["127.0.0.1", "::1", "203.0.113.7", "10.0.0.1, 127.0.0.1", undefined]) expect(from(xff, 0), xff).toBeNull();
  });

  it("trusts as many proxies as TRUST_PROXY_HOPS says, one when unset or not a count", () => {
    expect(trustedProxyHops({})).toBe(1);
    expect(trustedProxyHops({ TRUST_PROXY_HOPS: "" })).toBe(1);
    expect(trustedProxyHops({ TRUST_PROXY_HOPS: "0" })).toBe(0);
    expect(trustedProxyHops({ TRUST_PROXY_HOPS: "1" })).toBe(1);
    expect(trustedProxyHops({ TRUST_PROXY_HOPS: " 2 " })).toBe(2);
    for (const bad of ["-1", "1.5", "yes", "true"]) expect(trustedProxyHops({ TRUST_PROXY_HOPS: bad }), bad).toBe(1);
  });

  it("tells the server's own machine from everyone else", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(a), a).toBe(true);
    for (const a of ["203.0.113.7", "10.0.0.1", "::ffff:10.0.0.1", "1127.0.0.1", "127.0.0.1.evil", "unknown", "::2"]) expect(isLoopback(a), a).toBe(false);
  });
});
