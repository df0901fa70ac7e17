// The login lock-out under guesses sent at once, and what a refused sign-in costs in time. The
// password check is wrapped (not replaced) so the test can count which hashes were verified and hold
// the checks open while more attempts arrive.
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { verifyPassword } from "@/lib/auth/passwords";
import { users } from "@/lib/db/schema";
import { signup } from "@/lib/services/signup";
import { checkCredentials } from "@/lib/services/users";
import { setupTestDatabase } from "../helpers/test-db";

const held = vi.hoisted(() => ({ gate: null as Promise<void> | null }));
vi.mock("@/lib/auth/passwords", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/passwords")>();
  return {
    ...real,
    verifyPassword: vi.fn(async (hash: string, password: string) => {
      if (held.gate) await held.gate;
      return real.verifyPassword(hash, password);
    }),
  };
});

const t = setupTestDatabase();
const PASSWORD = "correct horse battery";
let n = 0;

async function account() {
  const s = await signup(t.db(), { merchantName: "锁定小铺", email: `lock-${++n}-${Date.now()}@example.cn`, password: PASSWORD });
  const [user] = await t.db().select().from(users).where(eq(users.id, s.userId));
  return user;
}
const reread = async (id: string) => (await t.db().select().from(users).where(eq(users.id, id)))[0];
const verified = () => vi.mocked(verifyPassword).mock.calls.map(([hash]) => hash);
const wrong = (i: number) => `wrong guess ${i}`;

beforeEach(() => {
  vi.mocked(verifyPassword).mockClear();
  held.gate = null;
});

describe(`login lock-out (${process.env.TEST_DB})`, () => {
  it("thirty wrong guesses sent at once: five are checked, the account is locked for 15 minutes, then the right password is refused", async () => {
    const user = await account();
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => checkCredentials(t.db(), { email: user.email, password: wrong(i) }, now)));
    expect(results.every((r) => r === null)).toBe(true);
    expect(verified().filter((hash) => hash === user.passwordHash)).toHaveLength(5);
    const after = await reread(user.id);
    expect(after.failedLogins).toBe(5);
    expect(after.lockedUntil?.getTime()).toBe(now.getTime() + 15 * 60_000);
    expect(await checkCredentials(t.db(), { email: user.email, password: PASSWORD }, new Date(now.getTime() + 60_000))).toBeNull();
  });

  it("the right password arriving while nineteen guesses are still being checked is refused", async () => {
    const user = await account();
    let release!: () => void;
    held.gate = new Promise<void>((resolve) => (release = resolve));
    const guesses = Array.from({ length: 19 }, (_, i) => checkCredentials(t.db(), { email: user.email, password: wrong(i) }));
    // Every guess has reached its password check (argon2 takes ~50 ms: here it waits until released).
    await vi.waitFor(() => expect(verified()).toHaveLength(19), { timeout: 10_000 });
    const right = checkCredentials(t.db(), { email: user.email, password: PASSWORD });
    release();
    expect(await right).toBeNull();
    expect((await Promise.all(guesses)).every((r) => r === null)).toBe(true);
    expect(verified().filter((hash) => hash === user.passwordHash)).toHaveLength(5);
    expect((await reread(user.id)).lockedUntil).not.toBeNull();
  });

  it("once a lock has run out the count starts again: one typo does not relock, the right password then signs in", async () => {
    const user = await account();
    const t0 = new Date();
    for (let i = 0; i < 5; i++) expect(await checkCredentials(t.db(), { email: user.email, password: wrong(i) }, t0)).toBeNull();
    expect((await reread(user.id)).lockedUntil).not.toBeNull();

    const t1 = new Date(t0.getTime() + 16 * 60_000);
    expect(await checkCredentials(t.db(), { email: user.email, password: "one typo" }, t1)).toBeNull();
    expect(await reread(user.id)).toMatchObject({ failedLogins: 1, lockedUntil: null });
    expect(await checkCredentials(t.db(), { email: user.email, password: PASSWORD }, new Date(t1.getTime() + 1000))).toMatchObject({ id: user.id });
    expect(await reread(user.id)).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it("a success resets the count", async () => {
    const user = await account();
    for (let i = 0; i < 4; i++) await checkCredentials(t.db(), { email: user.email, password: wrong(i) });
    expect((await reread(user.id)).failedLogins).toBe(4);
    expect(await checkCredentials(t.db(), { email: user.email, password: PASSWORD })).toMatchObject({ id: user.id });
    expect((await reread(user.id)).failedLogins).toBe(0);
  });

  it("an unknown email and a locked account still verify the password given, against one dummy argon2 hash", async () => {
    expect(await checkCredentials(t.db(), { email: `nobody-${Date.now()}@example.cn`, password: PASSWORD })).toBeNull();
    expect(verified()).toHaveLength(1);
    const [dummy] = verified();
    expect(dummy).toMatch(/^\$argon2id\$/);

    const user = await account();
    const now = new Date();
    for (let i = 0; i < 5; i++) await checkCredentials(t.db(), { email: user.email, password: wrong(i) }, now);
    vi.mocked(verifyPassword).mockClear();
    expect(await checkCredentials(t.db(), { email: user.email, password: PASSWORD }, now)).toBeNull();
    expect(verified()).toEqual([dummy]);
    expect(vi.mocked(verifyPassword).mock.calls[0][1]).toBe(PASSWORD);
  });
});
