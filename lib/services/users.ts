import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { dummyPasswordHash, hashPassword, verifyPassword } from "@/lib/auth/passwords";
import type { Db } from "@/lib/db/client";
import { appendAuditEvents } from "@/lib/db/queries/audit";
import { users } from "@/lib/db/schema";
import { ApiError, badRequest, notFound, rateLimited } from "@/lib/http/errors";

const MAX_FAILURES = 5;
const LOCK_MINUTES = 15;

/**
 * Checks a login. Five wrong passwords in a row lock the account for 15 minutes, so a password
 * cannot be guessed online; a success resets the count, and a lock that ran out starts it again.
 *
 * The attempt is counted before its password is checked, in one conditional UPDATE that a live lock
 * refuses: guesses sent at once cannot all read the same count while argon2 runs, so no more than
 * five are ever checked per lock. An attempt with no password to check (unknown email, locked
 * account) is checked against a dummy hash, so it takes as long as a wrong password and its timing
 * does not tell which accounts exist.
 */
export async function checkCredentials(db: Db, params: { email: string; password: string }, now = new Date()) {
  const email = params.email.trim().toLowerCase();
  const lockExpired = sql`${users.lockedUntil} IS NOT NULL AND ${users.lockedUntil} <= ${now.toISOString()}::timestamptz`;
  const failures = sql`CASE WHEN ${lockExpired} THEN 1 ELSE ${users.failedLogins} + 1 END`;
  const lockEnd = new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString();
  const [user] = await db
    .update(users)
    .set({ failedLogins: failures, lockedUntil: sql`CASE WHEN ${failures} >= ${MAX_FAILURES} THEN ${lockEnd}::timestamptz END` })
    .where(and(eq(users.email, email), or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
    .returning();
  if (!user) {
    await verifyPassword(await dummyPasswordHash(), params.password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, params.password))) return null;
  await db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  return { id: user.id, email: user.email, name: user.name, merchantId: user.merchantId, role: user.role, passwordStamp: passwordStamp(user.passwordHash) };
}

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(10, "must be at least 10 characters").max(200),
});

/**
 * A signed-in user changes their own password. The current password is checked as a login is, so a
 * wrong one counts toward the same lockout: a borrowed or stolen session cannot guess it and take the
 * account over. The new hash changes the password stamp, which ends every session of this user.
 */
export async function changeOwnPassword(
  db: Db,
  params: { merchantId: string; userId: string; email: string; input: z.infer<typeof changePasswordSchema> },
  now = new Date(),
) {
  const { merchantId, userId, input } = params;
  if (input.newPassword === input.currentPassword) throw badRequest("newPassword: must differ from the current password");
  const [row] = await db
    .select({ lockedUntil: users.lockedUntil })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.merchantId, merchantId)))
    .limit(1);
  if (!row) throw notFound("User");
  if (row.lockedUntil && row.lockedUntil > now) {
    throw rateLimited(Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000), "wrong passwords");
  }
  const checked = await checkCredentials(db, { email: params.email, password: input.currentPassword }, now);
  if (!checked || checked.id !== userId) throw new ApiError(403, "wrong_password", "The current password is incorrect");
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(and(eq(users.id, userId), eq(users.merchantId, merchantId)));
    await appendAuditEvents(tx, merchantId, { type: "user", id: userId }, [{ action: "user.password_changed", subjectType: "user", subjectId: userId }]);
  });
}
