// GET /api/v1/team – the merchant's members; POST adds one { email, role, name?, password? } (a generated password is returned once)
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { addMember, addMemberSchema, listMembers } from "@/lib/services/team";

export const GET = merchantRoute(async ({ db, merchantId }) => Response.json({ data: await listMembers(db, merchantId), nextCursor: null }));

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const input = await readJson(request, addMemberSchema);
  return Response.json(await addMember(db, { merchantId, input, actor: { type: "api_key", id: apiKeyId } }), { status: 201 });
});
