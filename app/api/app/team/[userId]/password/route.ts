// POST /api/app/team/{userId}/password – the team settings page resets another member's password (owners only; one's own: 409 use_account_page)
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { resetMemberPassword, resetPasswordSchema } from "@/lib/services/team";

export const POST = sessionRoute(async ({ db, user, request }, { userId }) => {
  const { password } = await readJson(request, resetPasswordSchema);
  return Response.json(await resetMemberPassword(db, { merchantId: user.merchantId, userId, password, actor: { type: "user", id: user.id } }));
}, "manage_team");
