// The self-service password change at the service its session route (/api/app/account/password) calls;
// the route itself, with the session re-issue, is covered in the browser (tests/e2e/account.spec.ts):
// next-auth cannot be imported under vitest.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { auditEvents, users } from "@/lib/db/schema";
import { ApiError } from "@/lib/http/errors";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { changeOwnPassword, checkCredentials } from "@/lib/services/users";
import { merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
const OLD = "correct horse battery";

async function owner() {
  const m = await merchantWithAlipay();
  const [user] = await t.db().select().from(users).where(eq(users.merchantId, m.merchantId));
  return { m, user, params: { merchantId: m.merchantId, userId: user.id, email: user.email } };
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  const { status, code } = err as ApiError;
  return { status, code };
}

describe(`own password change (${process.env.TEST_DB})`, () => {
  it("needs the current password, changes the hash (ending older sessions) and appends an audit event", async () => {
    const { m, user, params } = await owner();
    expect(await refusal(changeOwnPassword(t.db(), { ...params, input: { currentPassword: "not my password", newPassword: "a new password 42" } }))).toEqual({
      status: 403,
      code: "wrong_password",
    });
    expect(await refusal(changeOwnPassword(t.db(), { ...params, input: { currentPassword: OLD, newPassword: OLD } }))).toMatchObject({ status: 400 });
    // Another merchant's user id with this user's credentials: not found, nothing changed.
    const other = await owner();
    expect(await refusal(changeOwnPassword(t.db(), { ...params, userId: other.user.id, input: { currentPassword: OLD, newPassword: "a new password 42" } }))).toMatchObject({
      status: 404,
    });

    await changeOwnPassword(t.db(), { ...params, input: { currentPassword: OLD, newPassword: "a new password 42" } });
    const [after] = await t.db().select().from(users).where(eq(users.id, user.id));
    expect(passwordStamp(after.passwordHash)).not.toBe(passwordStamp(user.passwordHash));
    expect(after.failedLogins).toBe(0);
    expect(await checkCredentials(t.db(), { email: user.email, password: OLD })).toBeNull();
    expect(await checkCredentials(t.db(), { email: user.email, password: "a new password 42" })).toMatchObject({ id: user.id });
    expect(await checkCredentials(t.db(), { email: other.user.email, password: OLD })).toMatchObject({ id: other.user.id });

    const events = await t
      .db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "user.password_changed")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "user", actorId: user.id, subjectType: "user", subjectId: user.id });
    expect(JSON.stringify(events[0])).not.toContain("a new password 42");
    const [chain] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(chain.broken).toBeNull();
  });

  it("counts wrong current passwords toward the login lockout: the sixth attempt is rate-limited, even with the right one", async () => {
    const { user, params } = await owner();
    for (let i = 0; i < 5; i++) {
      expect(await refusal(changeOwnPassword(t.db(), { ...params, input: { currentPassword: `guess ${i}`, newPassword: "a new password 42" } }))).toMatchObject({
        status: 403,
      });
    }
    expect(await refusal(changeOwnPassword(t.db(), { ...params, input: { currentPassword: OLD, newPassword: "a new password 42" } }))).toEqual({
      status: 429,
      code: "rate_limited",
    });
    expect(await checkCredentials(t.db(), { email: user.email, password: OLD })).toBeNull();
    const [after] = await t.db().select().from(users).where(eq(users.id, user.id));
    expect(after.passwordHash).toBe(user.passwordHash);
  });
});
