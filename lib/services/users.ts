import { eq, sql } from "drizzle-orm";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { verifyPassword } from "@/lib/auth/passwords";
import type { Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";

const MAX_FAILURES = 5;
const LOCK_MINUTES = 15;

/**
 * Checks a login. Five wrong passwords in a row lock the account for 15 minutes, so a password
 * cannot be guessed online; a success resets the count.
 */
export async function checkCredentials(db: Db, params: { email: string; password: string }, now = new Date()) {
  const email = params.email.trim().toLowerCase();
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  if (!user) return null;
  if (user.lockedUntil && user.lockedUntil > now) return null;
  if (!(await verifyPassword(user.passwordHash, params.password))) {
    await db
      .update(users)
      .set({
        failedLogins: sql`${users.failedLogins} + 1`,
        lockedUntil: user.failedLogins + 1 >= MAX_FAILURES ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null,
      })
      .where(eq(users.id, user.id));
    return null;
  }
  if (user.failedLogins > 0 || user.lockedUntil) {
    await db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  }
  return { id: user.id, email: user.email, name: user.name, merchantId: user.merchantId, role: user.role, passwordStamp: passwordStamp(user.passwordHash) };
}
