import { NotificationFormatError } from "@/lib/core/channels/errors";

function decodeComponent(raw: string, field: string): string {
  try {
    // decodeURIComponent rejects bad %XX and invalid UTF-8 (overlongs, encoded surrogates) where URLSearchParams
    // would silently substitute U+FFFD and make the signature check fail for a reason nobody can see.
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch (error) {
    throw new NotificationFormatError(field, "malformed percent-encoding", { cause: error });
  }
}

/**
 * Decodes an Alipay notify body (`application/x-www-form-urlencoded`) exactly once into its fields; values stay raw
 * after that one decode, which is what Alipay signs (`passback_params` therefore stays percent-encoded).
 */
export function parseAlipayForm(rawBody: string): Record<string, string> {
  const fields = new Map<string, string>();
  for (const pair of rawBody.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = decodeComponent(rawName, rawName.slice(0, 64) || "(empty name)");
    const value = eq === -1 ? "" : decodeComponent(pair.slice(eq + 1), name);
    // A repeated key makes "which value was signed" ambiguous; Alipay never sends one.
    if (fields.has(name)) throw new NotificationFormatError(name, "field appears more than once");
    fields.set(name, value);
  }
  const charset = fields.get("charset");
  // The body was decoded as UTF-8; a GBK notify would decode to mojibake and fail verification opaquely.
  if (charset !== undefined && charset.toLowerCase() !== "utf-8") {
    throw new NotificationFormatError("charset", `unsupported charset "${charset}"; request notifies with charset=utf-8`);
  }
  // Object.fromEntries defines own properties, so a field named "__proto__" is kept rather than swallowed.
  return Object.fromEntries(fields);
}
