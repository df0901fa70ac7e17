import { redirect } from "next/navigation";
import { auth } from "@/lib/auth/config";
import { getDb, type Db } from "@/lib/db/client";
import { unauthorized } from "@/lib/http/errors";
import { publicRoute } from "@/lib/http/api-route";

export interface SessionUser {
  id: string;
  email: string;
  merchantId: string;
  role: string;
}

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const session = await auth();
  if (!session?.user?.merchantId) redirect("/login");
  return session.user;
}

/** For the web app's own JSON routes: session cookie → merchant, 401 otherwise. */
export function sessionRoute(handler: (ctx: { db: Db; user: SessionUser; request: Request }, params: Record<string, string>) => Promise<Response>) {
  return publicRoute(async (request, params) => {
    const session = await auth();
    if (!session?.user?.merchantId) throw unauthorized("Sign in required");
    return handler({ db: await getDb(), user: session.user, request }, params);
  });
}
