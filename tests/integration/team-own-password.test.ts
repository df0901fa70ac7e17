// The team page resets other members' passwords, never the owner's own: that takes the current
// password, on the account page, or a borrowed session could take the account over.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { POST as resetRoute } from "@/app/api/app/team/[userId]/password/route";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { auditEvents, users } from "@/lib/db/schema";
import { addMember } from "@/lib/services/team";
import { checkCredentials } from "@/lib/services/users";
import { BASE, call, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; merchantId: string; passwordStamp: string; signedInAt: number } } }));
vi.mock("@/lib/auth/config", () => ({ auth: async () => session.current }));

const t = setupTestDatabase();
const PASSWORD = "correct horse battery";
let owner: typeof users.$inferSelect;

beforeAll(async () => {
  const m = await merchantWithAlipay();
  [owner] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
  session.current = { user: { id: owner.id, merchantId: m.merchantId, passwordStamp: passwordStamp(owner.passwordHash), signedInAt: Math.floor(Date.now() / 1000) } };
});

const reset = (userId: string) =>
  call(resetRoute as unknown as Parameters<typeof call>[0], { path: `/api/app/team/${userId}/password`, params: { userId }, body: {}, headers: { origin: BASE } });

describe(`team password reset of one's own account (${process.env.TEST_DB})`, () => {
  it("is refused with 409 use_account_page, nothing changed or audited", async () => {
    const res = await reset(owner.id);
    expect(res.status, res.text).toBe(409);
    expect(res.json.error.code).toBe("use_account_page");
    expect(res.json.error.message).toContain("/settings/account");
    expect(res.json.initialPassword).toBeUndefined();
    const [after] = await t.db().select().from(users).where(eq(users.id, owner.id));
    expect(after.passwordHash).toBe(owner.passwordHash);
    expect(await checkCredentials(t.db(), { email: owner.email, password: PASSWORD })).toMatchObject({ id: owner.id });
    const events = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, owner.merchantId), eq(auditEvents.action, "user.password_reset")));
    expect(events).toEqual([]);
  });

  it("another member's still works", async () => {
    const { member } = await addMember(t.db(), {
      merchantId: owner.merchantId,
      actor: { type: "user", id: owner.id },
      input: { email: `member-${Date.now()}@example.cn`, role: "accountant" },
    });
    const res = await reset(member.userId);
    expect(res.status, res.text).toBe(200);
    expect(await checkCredentials(t.db(), { email: member.email, password: res.json.initialPassword })).toMatchObject({ id: member.userId });
  });
});
