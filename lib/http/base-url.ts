import { readConfig } from "@/lib/config/env";

/** Absolute base URL for links handed to channels (notify_url): configured, else the request's own origin. */
export function baseUrlOf(request: Request): string {
  const configured = readConfig().publicBaseUrl;
  if (configured) return configured;
  const url = new URL(request.url);
  const proto = request.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? url.host;
  return `${proto}://${host}`;
}
