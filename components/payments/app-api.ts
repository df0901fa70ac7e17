// Client-side calls to the web app's session routes (/api/app/*), errors kept in the contract's shape.

/** An API answer that was not 2xx, carrying the contract's `{ error: { code, message } }`. */
export class AppApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fetches JSON from a session route; a non-2xx answer becomes an AppApiError with the server's message. */
export async function appFetch<T>(url: string, body?: unknown, method?: "POST" | "PUT" | "PATCH" | "DELETE"): Promise<T> {
  const res = await fetch(url, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    cache: "no-store",
    headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new AppApiError(res.status, err?.code ?? "http_error", err?.message ?? `${url} answered ${res.status}`);
  }
  return data as T;
}

/** The focus ring every control of the workbench shares. */
export const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600";

/** An inline link to another page of the app (an order, a payment), as every list and detail page shows it. */
export const textLink = `rounded text-teal-700 underline-offset-2 hover:underline ${focusRing}`;
