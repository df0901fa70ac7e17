import { readConfig } from "@/lib/config/env";

/** The first entry of a list header (`X-Forwarded-Proto: https, http`), trimmed; null when absent or empty. */
const firstOf = (value: string | null) => value?.split(",")[0].trim() || null;

/** An origin in URL's normal form (lower case, no default port); null for what is not one. */
function normalOrigin(text: string): string | null {
  try {
    const origin = new URL(text).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/**
 * The origins this request may be addressed to: the one its URL says, the one the nearest proxy
 * forwarded (X-Forwarded-Proto / -Host, as baseUrlOf reads them) and PUBLIC_BASE_URL when set. A page
 * elsewhere cannot forge these: a browser sends no such header cross-origin without a preflight.
 */
function ownOrigins(request: Request): Set<string> {
  const url = new URL(request.url);
  const proto = firstOf(request.headers.get("x-forwarded-proto")) ?? url.protocol.replace(":", "");
  const host = firstOf(request.headers.get("x-forwarded-host")) ?? firstOf(request.headers.get("host")) ?? url.host;
  const configured = readConfig().publicBaseUrl;
  return new Set([url.origin, normalOrigin(`${proto}://${host}`), configured && normalOrigin(configured)].filter((o): o is string => !!o));
}

/**
 * Whether a state-changing request may act on the session cookie: it comes from the app's own pages
 * (or no page at all). SameSite=Lax keeps the cookie off another *site's* POST, but a sibling subdomain
 * is the same site, and a text/plain form or fetch from it needs no preflight. Browsers that say where
 * a request comes from (Sec-Fetch-Site) must say same-origin, or none for one the user started; for
 * those that do not, an Origin header must be ours. A request with neither comes from a script or a
 * tool (or a browser too old to send either, which SameSite=Lax is left to cover).
 */
export function isSameOriginWrite(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  const given = normalOrigin(origin);
  return given !== null && ownOrigins(request).has(given);
}
