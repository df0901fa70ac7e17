"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/config";

export async function login(formData: FormData): Promise<void> {
  try {
    await signIn("credentials", {
      email: String(formData.get("email") ?? ""),
      password: String(formData.get("password") ?? ""),
      redirectTo: "/board",
    });
  } catch (err) {
    // Only sign-in failures become the friendly error; NEXT_REDIRECT (success) and real faults must propagate.
    if (err instanceof AuthError) redirect("/login?error=1");
    throw err;
  }
}
