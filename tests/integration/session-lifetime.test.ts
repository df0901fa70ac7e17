// A session counts for 8 hours from sign-in, whatever refreshes its token had since: the check in
// lib/auth/session.ts, behind every session route and page, on the sign-in time the token carries.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as teamRoute } from "@/app/api/app/team/route";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { users } from "@/lib/db/schema";
import { call, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

type Claims = { id: string; merchantId: string; passwordStamp: string; signedInAt?: number };
const session = vi.hoisted(() => ({ current: null as null | { user: Claims } }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const t = setupTestDatabase();
let owner: Omit<Claims, "signedInAt">;

beforeAll(async () => {
  const m = await merchantWithAlipay();
  const [row] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
  owner = { id: row.id, merchantId: m.merchantId, passwordStamp: passwordStamp(row.passwordHash) };
});

const listTeam = async (signedInAt: number | undefined) => {
  session.current = { user: { ...owner, ...(signedInAt === undefined ? {} : { signedInAt }) } };
  return call(teamRoute as unknown as Parameters<typeof call>[0], { method: "GET", path: "/api/app/team" });
};
const secondsAgo = (s: number) => Math.floor(Date.now() / 1000) - s;

describe(`session lifetime (${process.env.TEST_DB})`, () => {
  it("a session signed in 7 h 59 min ago still counts", async () => {
    expect((await listTeam(secondsAgo(8 * 3600 - 60))).status).toBe(200);
  });

  it("a session signed in 8 h and 1 s ago is no signed-in user, however fresh its token", async () => {
    const res = await listTeam(secondsAgo(8 * 3600 + 1));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthorized");
  });

  it("a token without a sign-in time is no signed-in user", async () => {
    expect((await listTeam(undefined)).status).toBe(401);
  });
});
