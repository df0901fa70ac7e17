// POST /api/app/statements?channelAccountId=&format= – the imports page uploads a statement or bill
import { sessionRoute } from "@/lib/auth/session";
import { importStatementRequest } from "@/lib/services/import-requests";

export const runtime = "nodejs";

export const POST = sessionRoute(async ({ db, user, request }) =>
  Response.json(await importStatementRequest(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, request })),
  "import",
);
