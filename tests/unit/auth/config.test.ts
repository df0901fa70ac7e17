// The Auth.js configuration as the app wires it (lib/auth/config.ts): next-auth itself cannot be
// imported under vitest, so NextAuth() is replaced by a stand-in that keeps the configuration, and
// @auth/core (what next-auth runs) serves GET /api/auth/session with it, callbacks and all.
import { Auth, type AuthConfig } from "@auth/core";
import { decode, encode } from "@auth/core/jwt";
import { afterAll, describe, expect, it, vi } from "vitest";

const COOKIE = "authjs.session-token";
const BASE = "http://127.0.0.1:3000";

const hoisted = vi.hoisted(() => {
  vi.stubEnv("AUTH_SECRET", "unit-test-auth-secret-0123456789abcdef");
  vi.stubEnv("TRUST_PROXY_HOPS", "1");
  vi.stubEnv("LOGIN_RATE_LIMIT_PER_15_MIN", "");
  return {
    config: null as unknown as AuthConfig,
    /** The session cookie server code reads (next-auth's auth() takes it from the request being handled). */
    cookie: "",
    signIn: (async () => undefined) as (...args: unknown[]) => Promise<unknown>,
  };
});

vi.mock("next-auth", async () => {
  const { Auth } = await import("@auth/core");
  const { AuthError, CredentialsSignin } = await import("@auth/core/errors");
  return {
    AuthError,
    CredentialsSignin,
    default: (config: AuthConfig) => {
      hoisted.config = { ...config, basePath: "/api/auth" };
      const sessionRequest = () => new Request("http://127.0.0.1:3000/api/auth/session", { headers: { cookie: `authjs.session-token=${hoisted.cookie}` } });
      return {
        handlers: {},
        signOut: async () => undefined,
        signIn: (...args: unknown[]) => hoisted.signIn(...args),
        auth: async () => (await Auth(sessionRequest(), hoisted.config)).json(),
      };
    },
  };
});
// Every attempt here is refused before the password check: one that got that far would fail loudly.
vi.mock("@/lib/db/client", () => ({
  getDb: async () => {
    throw new Error("no database in this unit test");
  },
}));
vi.mock("next-auth/providers/credentials", async () => ({ default: (await import("@auth/core/providers/credentials")).default }));

const { auth } = await import("@/lib/auth/config");
const { login } = await import("@/app/login/actions");

afterAll(() => vi.unstubAllEnvs());

const secret = "unit-test-auth-secret-0123456789abcdef";
const nowSeconds = () => Math.floor(Date.now() / 1000);
const HOURS_8 = 8 * 3600;

/** A session cookie as the app issues it: signed in `ago` seconds back, its last refresh 10 minutes ago. */
const sessionCookie = (signedInAgo: number | null) =>
  encode({
    secret,
    salt: COOKIE,
    maxAge: 600,
    token: {
      sub: "user-1",
      name: "会计 小王",
      email: "wang@example.cn",
      merchantId: "merchant-1",
      passwordStamp: "stamp-of-the-hash",
      ...(signedInAgo === null ? {} : { signedInAt: nowSeconds() - signedInAgo }),
    },
  });

async function getSession(cookie: string) {
  const res = await Auth(new Request(`${BASE}/api/auth/session`, { headers: { cookie: `${COOKIE}=${cookie}` } }), hoisted.config);
  const renewed = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.split(";")[0]
    .slice(COOKIE.length + 1);
  return { body: (await res.json()) as { user?: Record<string, unknown>; expires?: string } | null, renewed };
}

describe("session lifetime and what the browser sees", () => {
  it("shows browser JS id, email and name only; a refresh keeps the sign-in time", async () => {
    const signedInAgo = 7.9 * 3600;
    const { body, renewed } = await getSession(await sessionCookie(signedInAgo));
    expect(body?.user).toEqual({ id: "user-1", email: "wang@example.cn", name: "会计 小王" });
    expect(JSON.stringify(body)).not.toMatch(/stamp|merchant|role|signedInAt/);
    const token = await decode({ secret, salt: COOKIE, token: renewed });
    expect(token?.signedInAt).toBe(nowSeconds() - signedInAgo);
  });

  it("ends a session 8 hours and a second after sign-in, however recently it was refreshed", async () => {
    const { body, renewed } = await getSession(await sessionCookie(HOURS_8 + 1));
    expect(body).toBeNull();
    expect(renewed).toBe("");
  });

  it("ends a session whose token has no sign-in time (issued before it was recorded)", async () => {
    expect((await getSession(await sessionCookie(null))).body).toBeNull();
  });

  it("records the sign-in time at sign-in and keeps the role out of the token", async () => {
    const jwt = hoisted.config.callbacks!.jwt!;
    const token = await jwt({
      token: { sub: "user-1" },
      user: { id: "user-1", merchantId: "merchant-1", role: "owner", passwordStamp: "stamp-of-the-hash" },
      account: null,
    } as Parameters<typeof jwt>[0]);
    expect(token).toMatchObject({ sub: "user-1", merchantId: "merchant-1", passwordStamp: "stamp-of-the-hash" });
    expect(Math.abs((token?.signedInAt as number) - nowSeconds())).toBeLessThanOrEqual(1);
    expect(token).not.toHaveProperty("role");
  });

  it("gives server code (auth()) the merchant, the password stamp and the sign-in time", async () => {
    hoisted.cookie = await sessionCookie(3600);
    const session = await auth();
    expect(session?.user).toMatchObject({ id: "user-1", merchantId: "merchant-1", passwordStamp: "stamp-of-the-hash", signedInAt: nowSeconds() - 3600 });
  });
});

describe("sign-in limit per client address", () => {
  type Authorize = (credentials: Record<string, unknown>, request: Request) => Promise<unknown>;
  const authorize = () => (hoisted.config.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
  /** A sign-in attempt (a malformed one: refused before the database) and the CredentialsSignin code it fails with. */
  const attempt = (xff?: string) =>
    authorize()(
      { email: "not an email", password: "x" },
      new Request(`${BASE}/api/auth/callback/credentials`, { method: "POST", headers: xff === undefined ? {} : { "x-forwarded-for": xff } }),
    ).then(
      () => "signed in",
      (err: { code?: string }) => err.code,
    );
  const attempts = async (count: number, xff?: string) => {
    const codes: unknown[] = [];
    for (let i = 0; i < count; i++) codes.push(await attempt(xff));
    return codes;
  };

  it("refuses the 31st attempt in 15 minutes from one address, and only from that one", async () => {
    expect(new Set(await attempts(30, "203.0.113.10"))).toEqual(new Set(["credentials"]));
    expect(await attempt("203.0.113.10")).toBe("rate_limited");
    expect(await attempt("198.51.100.3, 203.0.113.10")).toBe("rate_limited");
    expect(await attempt("203.0.113.11")).toBe("credentials");
  });

  it("leaves the server's own machine alone when the trusted proxy (next start) vouches for it", async () => {
    expect(new Set(await attempts(40, "127.0.0.1"))).toEqual(new Set(["credentials"]));
    expect(new Set(await attempts(40, "::ffff:127.0.0.1"))).toEqual(new Set(["credentials"]));
  });

  it("counts attempts from no known address together", async () => {
    expect(new Set(await attempts(30))).toEqual(new Set(["credentials"]));
    expect(await attempt()).toBe("rate_limited");
    vi.stubEnv("TRUST_PROXY_HOPS", "0");
    try {
      // Without a trusted proxy, an address (loopback included) the client writes itself counts for nothing.
      expect(await attempt("127.0.0.1")).toBe("rate_limited");
      expect(await attempt("203.0.113.77")).toBe("rate_limited");
    } finally {
      vi.stubEnv("TRUST_PROXY_HOPS", "1");
    }
  });

  it("is worded on the login page: too many attempts, not a wrong password", async () => {
    const form = new FormData();
    form.set("email", "not an email");
    form.set("password", "whatever it is");
    /** The login action as next-auth's signIn runs it: authorize with the form, from this address. */
    const loginFrom = async (xff: string) => {
      hoisted.signIn = (_provider, options) => authorize()(options as Record<string, unknown>, new Request(`${BASE}/login`, { method: "POST", headers: { "x-forwarded-for": xff } }));
      return String(((await login(form).catch((e: unknown) => e)) as { digest?: string }).digest);
    };
    await attempts(30, "203.0.113.20");
    expect(await loginFrom("203.0.113.20")).toContain("/login?error=rate_limited");
    expect(await loginFrom("203.0.113.21")).toContain("/login?error=1");
  });
});
