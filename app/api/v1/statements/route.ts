// POST /api/v1/statements – import a bank statement or channel bill (raw file body) into payments
import { merchantRoute } from "@/lib/http/api-route";
import { importStatementRequest } from "@/lib/services/import-requests";

export const runtime = "nodejs";

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) =>
  Response.json(await importStatementRequest(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, request })),
);
