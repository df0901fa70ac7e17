import { and, eq } from "drizzle-orm";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/lib/auth/config";
import { passwordStamp } from "@/lib/auth/password-stamp";
import { signInIsCurrent } from "@/lib/auth/sign-in-age";
import { can, type Permission } from "@/lib/core/roles";
import { getDb, type Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { forbidden, unauthorized } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/api-route";
import { isSameOriginWrite } from "@/lib/http/same-origin";

export interface SessionUser {
  id: string;
  email: string;
  merchantId: string;
  role: string;
}

/**
 * The signed-in user as the database has them now. The role is read on every request, not taken
 * from the session token, so a demotion or removal takes effect at once rather than at token expiry;
 * a session opened before the last password change, or signed in 8 hours ago or more (however often
 * it was refreshed since), is no session at all.
 */
async function currentUser(db: Db, now = new Date()): Promise<SessionUser | null> {
  const session = await auth();
  const claimed = session?.user;
  if (!claimed?.id || !claimed.merchantId || !signInIsCurrent(claimed.signedInAt, now)) return null;
  const [row] = await db
    .select({ id: users.id, email: users.email, merchantId: users.merchantId, role: users.role, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, claimed.id), eq(users.merchantId, claimed.merchantId)))
    .limit(1);
  if (!row || passwordStamp(row.passwordHash) !== claimed.passwordStamp) return null;
  return { id: row.id, email: row.email, merchantId: row.merchantId, role: row.role };
}

/** The signed-in user, or null (no session, or one its age, the user's removal or a password change ended). Once per render. */
export const signedInUser = cache(async (): Promise<SessionUser | null> => currentUser(await getDb()));

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await signedInUser();
  if (!user) redirect("/login");
  return user;
}

type SessionHandler = (ctx: { db: Db; user: SessionUser; request: Request }, params: Record<string, string>) => Promise<Response>;

/**
 * For the web app's own JSON routes: session cookie → merchant and role, 401/403 otherwise.
 * Without an explicit permission a read needs "view" and a write needs "manage_settings" (owner
 * only), so a new mutation route that forgets to say what it needs fails closed.
 */
export function sessionRoute(handler: SessionHandler, permission?: Permission) {
  return publicRoute(async (request, params) => {
    // SameSite=Lax keeps the cookie off another site's POST, not off a sibling subdomain's (the same
    // site): a write must come from the app's own origin, whatever it carries (see isSameOriginWrite).
    const reads = request.method === "GET" || request.method === "HEAD";
    if (!reads && !isSameOriginWrite(request)) throw forbidden("Requests from another site or origin are not accepted");
    const db = await getDb();
    const user = await currentUser(db);
    if (!user) throw unauthorized("Sign in required");
    const needed = permission ?? (reads ? "view" : "manage_settings");
    if (!can(user.role, needed)) throw forbidden();
    return handler({ db, user, request }, params);
  });
}
