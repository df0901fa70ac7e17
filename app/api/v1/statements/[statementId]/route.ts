// GET /api/v1/statements/{statementId} – one import (statement, bill or order export) as the history lists it
import { merchantRoute } from "@/lib/http/api-route";
import { notFound } from "@/lib/http/errors";
import { getStatementImport } from "@/lib/services/statement-history";

export const GET = merchantRoute(async ({ db, merchantId }, { statementId }) => {
  const entry = await getStatementImport(db, { merchantId, statementId });
  if (!entry) throw notFound("Import");
  return Response.json(entry);
});
