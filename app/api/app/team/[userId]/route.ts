// PATCH/DELETE /api/app/team/{userId} – the team settings page changes a role or removes a member (owners only)
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { changeMemberRole, changeRoleSchema, removeMember } from "@/lib/services/team";

export const PATCH = sessionRoute(async ({ db, user, request }, { userId }) => {
  const { role } = await readJson(request, changeRoleSchema);
  return Response.json(await changeMemberRole(db, { merchantId: user.merchantId, userId, role, actor: { type: "user", id: user.id } }));
}, "manage_team");

export const DELETE = sessionRoute(async ({ db, user }, { userId }) => {
  await removeMember(db, { merchantId: user.merchantId, userId, actor: { type: "user", id: user.id } });
  return new Response(null, { status: 204 });
}, "manage_team");
