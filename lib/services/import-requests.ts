// The two file imports as HTTP requests, shared by the API (key auth) and the web app (session auth):
// the query parameters, content checks and error mapping are the contract's, so they live once.
import { PlatformExportFormatError } from "@/lib/core/orders/platform-export";
import { detectStatementFormat, STATEMENT_FORMATS, type StatementFormat } from "@/lib/core/statements";
import { decodeStatementChunks } from "@/lib/core/statements/decode";
import type { Db } from "@/lib/db/client";
import type { Actor } from "@/lib/db/queries/audit";
import { readBodyWithin } from "@/lib/http/body";
import { ApiError, badRequest } from "@/lib/http/errors";
import { importPlatformOrders } from "@/lib/services/order-import";
import { readStatementBody } from "@/lib/services/statement-body";
import { unpackUpload } from "@/lib/services/upload-archive";
import { importStatement } from "@/lib/services/statements";
import { isUuid } from "@/lib/core/ids";

const STATEMENT_FORMAT_VALUES: readonly string[] = ["auto", ...STATEMENT_FORMATS];
const ORDER_FORMATS = new Set(["taobao", "douyin"]);
const MAX_ORDER_EXPORT_BYTES = 50 * 1024 * 1024;

/** `POST …/statements?channelAccountId=&format=` with the raw file as body. */
export async function importStatementRequest(db: Db, params: { merchantId: string; actor: Actor; request: Request }) {
  const query = new URL(params.request.url).searchParams;
  const channelAccountId = query.get("channelAccountId") ?? "";
  if (!isUuid(channelAccountId)) throw badRequest("channelAccountId: required, the id of a channel account", "invalid_field");
  const format = query.get("format") ?? "auto";
  if (!STATEMENT_FORMAT_VALUES.includes(format)) throw badRequest(`format: must be one of ${STATEMENT_FORMAT_VALUES.join(", ")}`, "invalid_field");
  const bytes = await readStatementBody(params.request);
  return importStatement(db, {
    merchantId: params.merchantId,
    channelAccountId,
    format: format as StatementFormat | "auto",
    bytes,
    actor: params.actor,
    now: new Date(),
  });
}

/** An order export as the platform hands it out; what cannot be unpacked is the order import's invalid_file. */
async function unpackOrderExport(body: Uint8Array): Promise<Uint8Array> {
  try {
    return await unpackUpload(body, MAX_ORDER_EXPORT_BYTES);
  } catch (err) {
    if (err instanceof ApiError && err.code === "invalid_statement") throw badRequest(err.message, "invalid_file");
    throw err;
  }
}

/** `POST …/orders/import?format=taobao|douyin` with a platform's CSV export (or its Excel workbook, zip or gzip) as body. */
export async function importOrdersRequest(db: Db, params: { merchantId: string; actor: Actor; request: Request }) {
  const { request } = params;
  const format = new URL(request.url).searchParams.get("format") ?? "";
  if (!ORDER_FORMATS.has(format)) throw badRequest(`format: must be taobao or douyin, got "${format}"`);
  const type = request.headers.get("content-type") ?? "text/csv";
  if (!/^(text\/csv|text\/plain|application\/octet-stream|application\/vnd\.ms-excel|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet|application\/(x-)?zip(-compressed)?|application\/(x-)?gzip)\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send the export as text/csv");
  }
  const body = await readBodyWithin(request, MAX_ORDER_EXPORT_BYTES);
  if (!body) throw new ApiError(413, "payload_too_large", "File above 50 MB");
  // As the platform hands it out: an Excel workbook (抖店) or a zip reads as the CSV inside.
  const bytes = body.byteLength === 0 ? body : await unpackOrderExport(body);
  try {
    return await importPlatformOrders(db, { merchantId: params.merchantId, actor: params.actor, format: format as "taobao" | "douyin", bytes, now: new Date() });
  } catch (err) {
    if (err instanceof PlatformExportFormatError) {
      // A bank statement or a channel bill chosen as an order export: say so, rather than that a column is missing.
      // The first decoded chunk: its encoding judged on the whole file, no character cut in two.
      const head = decodeStatementChunks(bytes).next();
      const statement = head.done ? null : detectStatementFormat(head.value);
      throw badRequest(statement ? `body: this is a ${statement} statement or bill: import it as a statement` : err.message, "invalid_file");
    }
    throw err;
  }
}
