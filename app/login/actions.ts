"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/config";
import { SIGN_IN_RATE_LIMITED } from "@/lib/auth/sign-in-rate-limit";

export async function login(formData: FormData): Promise<void> {
  try {
    await signIn("credentials", {
      email: String(formData.get("email") ?? ""),
      password: String(formData.get("password") ?? ""),
      redirectTo: "/board",
    });
  } catch (err) {
    // Only sign-in failures become the friendly error; NEXT_REDIRECT (success) and real faults must propagate.
    // Too many attempts from this address gets its own words; nothing else says why a sign-in failed.
    if (err instanceof CredentialsSignin && err.code === SIGN_IN_RATE_LIMITED) redirect(`/login?error=${SIGN_IN_RATE_LIMITED}`);
    if (err instanceof AuthError) redirect("/login?error=1");
    throw err;
  }
}
