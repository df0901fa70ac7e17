import type { ZodType } from "zod";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { getDb, type Db } from "@/lib/db/client";
import { ApiError, badRequest, errorResponse, rateLimited, unauthorized } from "@/lib/http/errors";
import { readConfig } from "@/lib/config/env";
import { namedRateLimiter } from "@/lib/http/rate-limit";
import { logger } from "@/lib/log";

export interface MerchantContext {
  db: Db;
  merchantId: string;
  apiKeyId: string;
  request: Request;
}

type RouteParams = { params: Promise<Record<string, string>> };

const MAX_JSON_BYTES = 1024 * 1024;

/** Turns any thrown error into the contract's error shape; unexpected ones become an opaque 500. */
export function toErrorResponse(err: unknown, request: Request): Response {
  if (err instanceof ApiError) return errorResponse(err);
  logger.error({ err, method: request.method, url: request.url }, "unhandled error in route");
  return errorResponse(new ApiError(500, "internal_error", "Internal error; the request was not applied"));
}

/** Wraps a public handler (no API key) with the contract's error handling. */
export function publicRoute(handler: (request: Request, params: Record<string, string>) => Promise<Response>) {
  return async (request: Request, ctx: RouteParams) => {
    try {
      return await handler(request, ctx?.params ? await ctx.params : {});
    } catch (err) {
      return toErrorResponse(err, request);
    }
  };
}

/** Wraps a merchant API handler: Bearer API key → merchant, errors in the contract's shape. */
export function merchantRoute(
  handler: (ctx: MerchantContext, params: Record<string, string>) => Promise<Response>,
) {
  return publicRoute(async (request, params) => {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized();
    const db = await getDb();
    const key = await authenticateApiKey(db, match[1]);
    if (!key) throw unauthorized();
    const retryAfter = namedRateLimiter("api", readConfig().apiRateLimitPerMinute, 60_000).hit(key.id);
    if (retryAfter !== null) throw rateLimited(retryAfter, "requests for this API key");
    return handler({ db, merchantId: key.merchantId, apiKeyId: key.id, request }, params);
  });
}

/** Reads and validates a JSON body; every failure is a 4xx that names the offending field. */
export async function readJson<T>(request: Request, schema: ZodType<T>): Promise<T> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Content-Type must be application/json");
  }
  const text = await request.text();
  if (text.length > MAX_JSON_BYTES) throw new ApiError(413, "payload_too_large", "Request body is too large");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest("Body is not valid JSON", "invalid_json");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join(".") : "body";
    throw badRequest(`${field}: ${issue.message}`, "invalid_field");
  }
  return parsed.data;
}
