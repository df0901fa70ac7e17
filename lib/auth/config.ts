import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { loadOrCreateSecretFile } from "@/lib/config/dev-secrets";
import { getDb } from "@/lib/db/client";
import { checkCredentials } from "@/lib/services/users";

const LoginSchema = z.object({ email: z.email(), password: z.string().min(1).max(200) });

declare module "next-auth" {
  interface User {
    merchantId?: string;
    role?: string;
    passwordStamp?: string;
  }
  interface Session {
    user: { id: string; email: string; name?: string | null; merchantId: string; role: string; passwordStamp: string };
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  // Credentials sign-in requires JWT sessions; 8-hour sessions suit a back office.
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
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
      async authorize(raw) {
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
        token.role = user.role;
        token.passwordStamp = user.passwordStamp;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.merchantId = String(token.merchantId ?? "");
      session.user.role = String(token.role ?? "viewer");
      session.user.passwordStamp = String(token.passwordStamp ?? "");
      return session;
    },
  },
});

function devAuthSecret(): string {
  // Zero-setup runs (demo, tests) get a secret kept in the data directory; production sets AUTH_SECRET.
  return loadOrCreateSecretFile("auth.secret");
}
