/** An error meant for the API caller: rendered as the contract's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, code = "invalid_request") => new ApiError(400, code, message);
export const unauthorized = (message = "Missing or invalid API key") => new ApiError(401, "unauthorized", message);
/** The signed-in user's role does not allow the action (never used for another tenant's objects: those are 404). */
export const forbidden = (message = "Your role does not allow this action") => new ApiError(403, "forbidden", message);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const conflict = (message: string, code = "conflict") => new ApiError(409, code, message);

export function errorResponse(err: ApiError): Response {
  return Response.json({ error: { code: err.code, message: err.message } }, { status: err.status, headers: err.headers });
}

export const rateLimited = (retryAfterSeconds: number, what: string) =>
  new ApiError(429, "rate_limited", `Too many ${what}; retry in ${retryAfterSeconds} s`, {
    "retry-after": String(retryAfterSeconds),
  });
