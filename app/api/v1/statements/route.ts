// POST /api/v1/statements – import a bank statement or channel bill (raw file body) into payments
import { STATEMENT_FORMATS, type StatementFormat } from "@/lib/core/statements";
import { merchantRoute } from "@/lib/http/api-route";
import { badRequest } from "@/lib/http/errors";
import { readStatementBody } from "@/lib/services/statement-body";
import { importStatement } from "@/lib/services/statements";

export const runtime = "nodejs";

const FORMATS: readonly string[] = ["auto", ...STATEMENT_FORMATS];

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const query = new URL(request.url).searchParams;
  const channelAccountId = query.get("channelAccountId") ?? "";
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(channelAccountId)) {
    throw badRequest("channelAccountId: required, the id of a channel account", "invalid_field");
  }
  const format = query.get("format") ?? "auto";
  if (!FORMATS.includes(format)) throw badRequest(`format: must be one of ${FORMATS.join(", ")}`, "invalid_field");
  const bytes = await readStatementBody(request);
  const result = await importStatement(db, {
    merchantId,
    channelAccountId,
    format: format as StatementFormat | "auto",
    bytes,
    actor: { type: "api_key", id: apiKeyId },
    now: new Date(),
  });
  return Response.json(result);
});
