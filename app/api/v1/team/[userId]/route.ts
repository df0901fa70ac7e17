// PATCH /api/v1/team/{userId} – change a member's role { role }; DELETE removes the member. The last owner stays (409 last_owner).
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { changeMemberRole, changeRoleSchema, removeMember } from "@/lib/services/team";

export const PATCH = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { userId }) => {
  const { role } = await readJson(request, changeRoleSchema);
  return Response.json(await changeMemberRole(db, { merchantId, userId, role, actor: { type: "api_key", id: apiKeyId } }));
});

export const DELETE = merchantRoute(async ({ db, merchantId, apiKeyId }, { userId }) => {
  await removeMember(db, { merchantId, userId, actor: { type: "api_key", id: apiKeyId } });
  return new Response(null, { status: 204 });
});
