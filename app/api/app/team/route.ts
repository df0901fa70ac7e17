// GET/POST /api/app/team – the team settings page: list members, add one (owners only)
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { addMember, addMemberSchema, listMembers } from "@/lib/services/team";

export const GET = sessionRoute(async ({ db, user }) => Response.json({ data: await listMembers(db, user.merchantId) }), "manage_team");

export const POST = sessionRoute(async ({ db, user, request }) => {
  const input = await readJson(request, addMemberSchema);
  return Response.json(await addMember(db, { merchantId: user.merchantId, input, actor: { type: "user", id: user.id } }), { status: 201 });
}, "manage_team");
