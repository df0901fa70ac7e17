// POST /api/v1/team/{userId}/password – new password { password? } (generated and returned once if absent); the member's sessions end
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { resetMemberPassword, resetPasswordSchema } from "@/lib/services/team";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }, { userId }) => {
  const { password } = await readJson(request, resetPasswordSchema);
  return Response.json(await resetMemberPassword(db, { merchantId, userId, password, actor: { type: "api_key", id: apiKeyId } }));
});
