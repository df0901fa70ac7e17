import type { ZodType } from "zod";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { getDb, type Db } from "@/lib/db/client";
import { readTextWithin } from "@/lib/http/body";
import { ApiError, badRequest, errorResponse, rateLimited, unauthorized } from "@/lib/http/errors";
import { readConfig } from "@/lib/config/env";
import { namedRateLimiter } from "@/lib/http/rate-limit";
import { logger, withRequestId } from "@/lib/log";

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

// A caller's id is kept only if it cannot forge log structure or bloat every line.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives the request an id (the caller's `x-request-id` if sane, else a new UUID) that every log line
 * written while handling it carries, echoes it in the response, and writes one access line.
 */
export function tracedRoute<C>(handler: (request: Request, ctx: C) => Promise<Response>) {
  return async (request: Request, ctx: C): Promise<Response> => {
    const incoming = request.headers.get("x-request-id");
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    return withRequestId(requestId, async () => {
      const started = performance.now();
      let response = await handler(request, ctx);
      try {
        response.headers.set("x-request-id", requestId);
      } catch {
        // Immutable headers (a fetched or redirect Response): copy it.
        response = new Response(response.body, response);
        response.headers.set("x-request-id", requestId);
      }
      const ms = Math.round(performance.now() - started);
      logger.info({ method: request.method, path: new URL(request.url).pathname, status: response.status, ms }, "request");
      return response;
    });
  };
}

/** Wraps a public handler (no API key) with the contract's error handling. */
export function publicRoute(handler: (request: Request, params: Record<string, string>) => Promise<Response>) {
  return tracedRoute(async (request: Request, ctx: RouteParams) => {
    try {
      return await handler(request, ctx?.params ? await ctx.params : {});
    } catch (err) {
      return toErrorResponse(err, request);
    }
  });
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

// PostgreSQL text cannot hold U+0000: left in, it would surface as a 500 from the database instead of a 400 here.
// Iterative with parent links, so a body nested thousands of levels deep costs linear time and no stack.
function pathOfNulCharacter(root: unknown): (string | number)[] | null {
  type Visit = { value: unknown; key: string | number | null; parent: Visit | null };
  const pathTo = (visit: Visit | null, tail: (string | number)[] = []) => {
    const path = tail;
    for (let at = visit; at && at.key !== null; at = at.parent) path.unshift(at.key);
    return path;
  };
  const pending: Visit[] = [{ value: root, key: null, parent: null }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return pathTo(visit);
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes("\u0000")) return pathTo(visit, [key]);
        pending.push({ value: item, key: Array.isArray(value) ? Number(key) : key, parent: visit });
      }
    }
  }
  return null;
}

/** Reads a JSON request body as text (Content-Type and size checked), for callers that verify a signature over it. */
export async function readJsonText(request: Request): Promise<string> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Content-Type must be application/json");
  }
  const tooLarge = () => new ApiError(413, "payload_too_large", "Request body is too large");
  // The limit is in bytes: a million CJK characters are three megabytes of UTF-8.
  const text = await readTextWithin(request, MAX_JSON_BYTES);
  if (text === null) throw tooLarge();
  return text;
}

/** Parses and validates JSON text; every failure is a 400 that names the offending field. */
export function parseJsonText<T>(text: string, schema: ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest("Body is not valid JSON", "invalid_json");
  }
  const nulAt = pathOfNulCharacter(raw);
  if (nulAt) throw badRequest(`${nulAt.join(".") || "body"}: must not contain the NUL character`, "invalid_field");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join(".") : "body";
    throw badRequest(`${field}: ${issue.message}`, "invalid_field");
  }
  return parsed.data;
}

/** Reads and validates a JSON body; every failure is a 4xx that names the offending field. */
export async function readJson<T>(request: Request, schema: ZodType<T>): Promise<T> {
  return parseJsonText(await readJsonText(request), schema);
}
