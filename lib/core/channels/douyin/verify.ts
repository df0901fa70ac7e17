import { digestHex } from "@/lib/core/channels/generic/signing";
import { timingSafeEqualString } from "@/lib/core/crypto/timing-safe-equal";

/** The four values of a 担保支付 callback that the signature covers, as received (msg is the raw JSON string). */
export interface DouyinSignedValues {
  timestamp: string;
  nonce: string;
  msg: string;
  msgSignature: string;
}

/** sha1_hex of the token, timestamp, nonce and msg sorted as plain strings and concatenated without separators. */
export function douyinSignature(token: string, values: Pick<DouyinSignedValues, "timestamp" | "nonce" | "msg">): Promise<string> {
  return digestHex("SHA-1", [token, values.timestamp, values.nonce, values.msg].sort().join(""));
}

/**
 * Verifies a Douyin 小程序 担保支付 callback signature in constant time over the raw `msg` string, before it is parsed.
 * Douyin documents no freshness window for `timestamp` and retries for about a day, so none is enforced; replays are
 * absorbed by the event key instead.
 */
export async function verifyDouyinSignature(token: string, values: DouyinSignedValues): Promise<boolean> {
  if (!/^[0-9a-f]{40}$/i.test(values.msgSignature)) return false;
  return timingSafeEqualString(values.msgSignature.toLowerCase(), await douyinSignature(token, values));
}
