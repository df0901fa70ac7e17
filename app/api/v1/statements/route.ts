// POST /api/v1/statements – import a bank statement or channel bill (raw file body) into payments
// GET /api/v1/statements?limit=&cursor= – the merchant's imports, newest first
import { merchantRoute } from "@/lib/http/api-route";
import { decodeCursor, parseLimit } from "@/lib/http/pagination";
import { importStatementRequest } from "@/lib/services/import-requests";
import { listStatementImports } from "@/lib/services/statement-history";

export const runtime = "nodejs";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) =>
  Response.json(await importStatementRequest(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, request })),
);

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  return Response.json(await listStatementImports(db, { merchantId, cursor: decodeCursor(q.get("cursor")), limit: parseLimit(q.get("limit")) }));
});
