// `next start` exposed directly (TRUST_PROXY_HOPS=0): the sign-up limit must hold whatever X-Forwarded-For
// a client writes, since nothing in front of the app vouches for it.
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { POST as signupRoute } from "@/app/api/v1/signup/route";
import { readConfig } from "@/lib/config/env";
import { users } from "@/lib/db/schema";
import { namedRateLimiter } from "@/lib/http/rate-limit";
import { call } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];

// The count is process-wide and files share the process: later files' sign-ups start from a fresh one.
afterAll(() => void (globalThis as { __ldxpLimiters?: Map<string, unknown> }).__ldxpLimiters?.delete("signup"));

const signUp = (headers: Record<string, string>) => {
  const email = `spoof-${Date.now()}-${Math.random().toString(36).slice(2)}@example.cn`;
  return call(signupRoute as unknown as H, { headers, body: { merchantName: "限流小铺", email, password: "long enough password" } }).then((res) => ({ res, email }));
};

describe(`sign-up limit without a trusted proxy (${process.env.TEST_DB})`, () => {
  it("claiming loopback or a new address each time in X-Forwarded-For does not get past it", async () => {
    const hops = process.env.TRUST_PROXY_HOPS;
    process.env.TRUST_PROXY_HOPS = "0";
    onTestFinished(() => {
      if (hops === undefined) delete process.env.TRUST_PROXY_HOPS;
      else process.env.TRUST_PROXY_HOPS = hops;
    });
    const limiter = namedRateLimiter("signup", readConfig().signupRateLimitPerHour, 3_600_000);
    // Sign-ups so far this hour, from wherever: the limit is used up.
    for (let i = 0; i < readConfig().signupRateLimitPerHour; i++) limiter.hit("unattributed");

    const claims: Record<string, string>[] = [
      { "x-forwarded-for": "127.0.0.1" },
      { "x-forwarded-for": "::1" },
      { "x-forwarded-for": "203.0.113.91" },
      { "x-forwarded-for": "198.51.100.7, 127.0.0.1" },
      {},
    ];
    for (const headers of claims) {
      const { res, email } = await signUp(headers);
      expect(res.status, JSON.stringify(headers)).toBe(429);
      expect(res.json.error.code).toBe("rate_limited");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await t.db().select().from(users).where(eq(users.email, email))).toEqual([]);
    }
  });
});
