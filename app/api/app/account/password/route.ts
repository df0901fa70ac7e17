// POST /api/app/account/password – the signed-in user changes their own password (any role)
import { signIn } from "@/lib/auth/config";
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { changeOwnPassword, changePasswordSchema } from "@/lib/services/users";

export const POST = sessionRoute(async ({ db, user, request }) => {
  const input = await readJson(request, changePasswordSchema);
  await changeOwnPassword(db, { merchantId: user.merchantId, userId: user.id, email: user.email, input });
  // The new hash ended every session of this user, this one too: the browser that made the change
  // signs in again with the new password and gets a fresh session cookie; the others stay signed out.
  await signIn("credentials", { email: user.email, password: input.newPassword, redirect: false });
  return Response.json({ changed: true });
}, "view");
