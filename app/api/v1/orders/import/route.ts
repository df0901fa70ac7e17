// POST /api/v1/orders/import?format=taobao|douyin – a platform's order export (CSV, UTF-8 or GBK)
import { PlatformExportFormatError } from "@/lib/core/orders/platform-export";
import { ApiError, badRequest } from "@/lib/http/errors";
import { merchantRoute } from "@/lib/http/api-route";
import { importPlatformOrders } from "@/lib/services/order-import";

const MAX_BYTES = 50 * 1024 * 1024;
const FORMATS = new Set(["taobao", "douyin"]);

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const format = new URL(request.url).searchParams.get("format") ?? "";
  if (!FORMATS.has(format)) throw badRequest(`format: must be taobao or douyin, got "${format}"`);
  const type = request.headers.get("content-type") ?? "text/csv";
  if (!/^(text\/csv|text\/plain|application\/octet-stream|application\/vnd\.ms-excel)\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send the export as text/csv");
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BYTES) throw new ApiError(413, "payload_too_large", "File above 50 MB");
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length > MAX_BYTES) throw new ApiError(413, "payload_too_large", "File above 50 MB");
  try {
    const result = await importPlatformOrders(db, {
      merchantId,
      actor: { type: "api_key", id: apiKeyId },
      format: format as "taobao" | "douyin",
      bytes,
      now: new Date(),
    });
    return Response.json(result);
  } catch (err) {
    if (err instanceof PlatformExportFormatError) throw badRequest(err.message, "invalid_file");
    throw err;
  }
});
