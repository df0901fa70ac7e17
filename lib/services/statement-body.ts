import { readBodyWithin } from "@/lib/http/body";
import { ApiError, badRequest } from "@/lib/http/errors";
import { unpackUpload } from "@/lib/services/upload-archive";

/** Largest statement file accepted: a month of a busy account's camt.053 stays well below it. */
export const MAX_STATEMENT_BYTES = 50 * 1024 * 1024;

// Also the type Windows gives .csv files (Excel's), and none at all: a body without a declared type is
// bytes (RFC 9110 §8.3), and the format is told from the content anyway. Zip, gzip and Excel as downloaded.
const ACCEPTED_TYPES = [
  "text/csv",
  "application/xml",
  "text/xml",
  "text/plain",
  "application/octet-stream",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/zip",
  "application/x-zip-compressed",
  "application/gzip",
  "application/x-gzip",
];

const tooLarge = () => new ApiError(413, "payload_too_large", `Statement files are limited to ${MAX_STATEMENT_BYTES / 1024 / 1024} MB`);

/**
 * Reads a statement upload as raw bytes: 415 for a content type that is not a file, 413 as soon as
 * more than MAX_STATEMENT_BYTES arrive (announced or not), 400 for an empty body. The body is read
 * in chunks so an oversized upload is refused without being buffered whole. A zip or gzip upload
 * answers the statement inside it, an Excel workbook its first sheet as CSV, held to the same limit unpacked.
 */
export async function readStatementBody(request: Request, maxBytes = MAX_STATEMENT_BYTES): Promise<Uint8Array> {
  const type = (request.headers.get("content-type") ?? "application/octet-stream").split(";")[0].trim().toLowerCase();
  if (!ACCEPTED_TYPES.includes(type)) {
    throw new ApiError(415, "unsupported_media_type", `Content-Type must be one of ${ACCEPTED_TYPES.join(", ")}`);
  }
  const body = await readBodyWithin(request, maxBytes);
  if (!body) throw tooLarge();
  const bytes = body.byteLength === 0 ? body : await unpackUpload(body, maxBytes);
  if (bytes.byteLength === 0) throw badRequest("body: the statement file is empty", "invalid_statement");
  return bytes;
}
