import { AsyncLocalStorage } from "node:async_hooks";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { loadOrCreateSecretFile } from "@/lib/config/dev-secrets";
import { getDb } from "@/lib/db/client";
import { SIGN_IN_MAX_AGE_SECONDS, signInIsCurrent } from "@/lib/auth/sign-in-age";
import { hitSignInRateLimit, SIGN_IN_RATE_LIMITED } from "@/lib/auth/sign-in-rate-limit";
import { checkCredentials } from "@/lib/services/users";

const LoginSchema = z.object({ email: z.email(), password: z.string().min(1).max(200) });

declare module "next-auth" {
  interface User {
    merchantId?: string;
    role?: string;
    passwordStamp?: string;
  }
  interface Session {
    /**
     * What the browser sees at GET /api/auth/session is id, email and name only. The rest is added
     * only for the server's own reads (`auth()` below), which lib/auth/session.ts checks.
     */
    user: { id: string; email: string; name?: string | null; merchantId?: string; passwordStamp?: string; signedInAt?: number };
  }
}

/** A sign-in refused by the per-address limit: a failed sign-in with its own code, so the page can say why. */
class SignInRateLimited extends CredentialsSignin {
  code = SIGN_IN_RATE_LIMITED;
}

const serverRead = new AsyncLocalStorage<true>();

const nextAuth = NextAuth({
  // Credentials sign-in requires JWT sessions. Each refresh re-signs the token for another 8 hours;
  // the sign-in time inside it does not move, and ends it 8 hours after sign-in (see sign-in-age.ts).
  session: { strategy: "jwt", maxAge: SIGN_IN_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  trustHost: true,
  // A wrong password is routine, not an error worth a stack trace; everything else still logs.
  logger: {
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      console.error(`[auth] ${error.name}: ${error.message}`);
    },
  },
  secret: process.env.AUTH_SECRET ?? devAuthSecret(),
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(raw, request) {
        // Counted before anything else, a malformed attempt too: guesses spread over many accounts
        // stay under each account's lock-out, not under this.
        if (hitSignInRateLimit(request.headers) !== null) throw new SignInRateLimited();
        const parsed = LoginSchema.safeParse(raw);
        if (!parsed.success) throw new CredentialsSignin("bad credentials");
        const user = await checkCredentials(await getDb(), parsed.data);
        if (!user) throw new CredentialsSignin("bad credentials");
        return user;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.merchantId = user.merchantId;
        token.passwordStamp = user.passwordStamp;
        token.signedInAt = Math.floor(Date.now() / 1000);
        return token;
      }
      // Null ends the session (the cookie is cleared), whatever expiry the last refresh gave the token.
      return signInIsCurrent(token.signedInAt, new Date()) ? token : null;
    },
    session({ session, token }) {
      const user = { id: token.sub ?? "", email: session.user.email, name: session.user.name };
      if (!serverRead.getStore()) return { ...session, user };
      const claims = { merchantId: String(token.merchantId ?? ""), passwordStamp: String(token.passwordStamp ?? ""), signedInAt: Number(token.signedInAt) };
      return { ...session, user: { ...user, ...claims } };
    },
  },
});

export const { handlers, signIn, signOut } = nextAuth;

/**
 * The session for server code, with the token's server-only claims (merchant, password stamp, sign-in
 * time). The session callback adds them only inside this call: the browser's GET /api/auth/session
 * runs the same callback and gets none of them.
 */
export const auth = () => serverRead.run(true, () => nextAuth.auth());

function devAuthSecret(): string {
  // Zero-setup runs (demo, tests) get a secret kept in the data directory; production sets AUTH_SECRET.
  return loadOrCreateSecretFile("auth.secret");
}
