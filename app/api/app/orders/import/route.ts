// POST /api/app/orders/import?format=taobao|douyin – the imports page uploads a platform order export
import { sessionRoute } from "@/lib/auth/session";
import { importOrdersRequest } from "@/lib/services/import-requests";

export const POST = sessionRoute(async ({ db, user, request }) =>
  Response.json(await importOrdersRequest(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, request })),
  "import",
);
