import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as passwordRoute } from "@/app/api/v1/team/[userId]/password/route";
import { DELETE as removeRoute, PATCH as patchRoute } from "@/app/api/v1/team/[userId]/route";
import { GET as listRoute, POST as addRoute } from "@/app/api/v1/team/route";
import { checkCredentials } from "@/lib/services/users";
import { auditEvents } from "@/lib/db/schema";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { call, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;
let n = 0;
const email = (who: string) => `${who}-${Date.now().toString(36)}-${++n}@example.cn`;

type MemberJson = { userId: string; email: string; role: string };
const members = async (apiKey: string) =>
  (await call(h(listRoute), { method: "GET", apiKey, path: "/api/v1/team" })).json.data as MemberJson[];
const add = (apiKey: string, body: Record<string, unknown>) => call(h(addRoute), { apiKey, path: "/api/v1/team", body });
const patch = (apiKey: string, userId: string, role: string) =>
  call(h(patchRoute), { method: "PATCH", apiKey, path: `/api/v1/team/${userId}`, params: { userId }, body: { role } });
const remove = (apiKey: string, userId: string) => call(h(removeRoute), { method: "DELETE", apiKey, path: `/api/v1/team/${userId}`, params: { userId } });

describe(`team members (${process.env.TEST_DB})`, () => {
  it("adds a member with a generated password shown once that signs in, and one with a given password", async () => {
    const m = await merchantWithAlipay();
    const [owner] = await members(m.apiKey);
    expect(owner.role).toBe("owner");

    const accountant = await add(m.apiKey, { email: email("Acct").toUpperCase(), name: "会计 小王", role: "accountant" });
    expect(accountant.status, accountant.text).toBe(201);
    expect(accountant.json.member).toMatchObject({ role: "accountant", name: "会计 小王" });
    expect(accountant.json.member.email).toBe(accountant.json.member.email.toLowerCase());
    expect(accountant.json.initialPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const login = await checkCredentials(t.db(), { email: accountant.json.member.email, password: accountant.json.initialPassword });
    expect(login).toMatchObject({ merchantId: m.merchantId, role: "accountant" });

    const viewer = await add(m.apiKey, { email: email("view"), role: "viewer", password: "viewer password 1" });
    expect(viewer.status).toBe(201);
    expect(viewer.json.initialPassword).toBeUndefined();
    expect(await checkCredentials(t.db(), { email: viewer.json.member.email, password: "viewer password 1" })).toMatchObject({ role: "viewer" });

    expect((await members(m.apiKey)).map((x) => x.role)).toEqual(["owner", "accountant", "viewer"]);
    const again = await add(m.apiKey, { email: viewer.json.member.email, role: "owner" });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("email_taken");
    const bad = await add(m.apiKey, { email: email("x"), role: "admin" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^role:/);
    const short = await add(m.apiKey, { email: email("x"), role: "viewer", password: "short" });
    expect(short.status).toBe(400);
  });

  it("the last owner can be neither demoted nor removed; with a second owner both work, and every change is audited", async () => {
    const m = await merchantWithAlipay();
    const [owner] = await members(m.apiKey);
    const demote = await patch(m.apiKey, owner.userId, "accountant");
    expect(demote.status).toBe(409);
    expect(demote.json.error.code).toBe("last_owner");
    const removeLast = await remove(m.apiKey, owner.userId);
    expect(removeLast.status).toBe(409);
    expect(removeLast.json.error.code).toBe("last_owner");

    const second = (await add(m.apiKey, { email: email("second"), role: "viewer" })).json.member as MemberJson;
    expect((await patch(m.apiKey, second.userId, "owner")).json.role).toBe("owner");
    expect((await patch(m.apiKey, owner.userId, "accountant")).status).toBe(200);
    // Now `second` is the only owner.
    expect((await patch(m.apiKey, second.userId, "viewer")).status).toBe(409);
    expect((await remove(m.apiKey, owner.userId)).status).toBe(204);
    expect((await members(m.apiKey)).map((x) => [x.userId, x.role])).toEqual([[second.userId, "owner"]]);
    expect((await remove(m.apiKey, owner.userId)).status).toBe(404);

    const events = await t
      .db()
      .select({ action: auditEvents.action, subjectId: auditEvents.subjectId, before: auditEvents.before, after: auditEvents.after, actorType: auditEvents.actorType })
      .from(auditEvents)
      .where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.subjectType, "user")))
      .orderBy(auditEvents.id);
    expect(events.map((e) => [e.action, e.subjectId])).toEqual([
      ["user.created", owner.userId],
      ["user.created", second.userId],
      ["user.role_changed", second.userId],
      ["user.role_changed", owner.userId],
      ["user.removed", owner.userId],
    ]);
    expect(events[3]).toMatchObject({ before: { role: "owner" }, after: { role: "accountant" }, actorType: "api_key" });
    const [report] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(report.broken).toBeNull();
  });

  it("a password reset replaces the old password, lifts a lock-out, is audited, and never touches another merchant", async () => {
    const m = await merchantWithAlipay();
    const member = (await add(m.apiKey, { email: email("reset"), role: "accountant", password: "first password 1" })).json.member as MemberJson;
    const now = new Date();
    for (let i = 0; i < 5; i++) expect(await checkCredentials(t.db(), { email: member.email, password: "wrong" }, now)).toBeNull();
    expect(await checkCredentials(t.db(), { email: member.email, password: "first password 1" }, now)).toBeNull();

    const reset = (apiKey: string, body: unknown) => call(h(passwordRoute), { apiKey, path: `/api/v1/team/${member.userId}/password`, params: { userId: member.userId }, body });
    const generated = await reset(m.apiKey, {});
    expect(generated.status, generated.text).toBe(200);
    expect(generated.json.initialPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await checkCredentials(t.db(), { email: member.email, password: "first password 1" })).toBeNull();
    const before = await checkCredentials(t.db(), { email: member.email, password: generated.json.initialPassword });
    expect(before).toMatchObject({ id: member.userId });

    const given = await reset(m.apiKey, { password: "second password 2" });
    expect(given.json.initialPassword).toBeUndefined();
    const after = await checkCredentials(t.db(), { email: member.email, password: "second password 2" });
    // A new salted hash: sessions stamped with the old one no longer count.
    expect(after?.passwordStamp).toBeTruthy();
    expect(after?.passwordStamp).not.toBe(before?.passwordStamp);

    const other = await merchantWithAlipay();
    const foreign = await reset(other.apiKey, { password: "stolen password 3" });
    expect(foreign.status).toBe(404);
    expect(await checkCredentials(t.db(), { email: member.email, password: "stolen password 3" })).toBeNull();
    const actions = await t.db().select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.subjectId, member.userId)));
    expect(actions.map((a) => a.action)).toEqual(["user.created", "user.password_reset", "user.password_reset"]);
  });

  it("two owners demoting each other at once leave one owner", async () => {
    const m = await merchantWithAlipay();
    const [first] = await members(m.apiKey);
    const second = (await add(m.apiKey, { email: email("race"), role: "owner" })).json.member as MemberJson;
    const results = await Promise.all([patch(m.apiKey, first.userId, "viewer"), patch(m.apiKey, second.userId, "viewer")]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await members(m.apiKey)).filter((x) => x.role === "owner")).toHaveLength(1);
  });

  it("another merchant's member is a 404 and is left alone; a malformed id is a 404 too", async () => {
    const a = await merchantWithAlipay();
    const b = await merchantWithAlipay();
    const aMember = (await add(a.apiKey, { email: email("a"), role: "accountant" })).json.member as MemberJson;
    for (const res of [await patch(b.apiKey, aMember.userId, "owner"), await remove(b.apiKey, aMember.userId), await patch(b.apiKey, "not-a-uuid", "owner")]) {
      expect(res.status, res.text).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    expect((await members(b.apiKey)).map((x) => x.userId)).not.toContain(aMember.userId);
    expect((await members(a.apiKey)).find((x) => x.userId === aMember.userId)?.role).toBe("accountant");
  });
});
