import { NotificationFormatError } from "@/lib/core/channels/errors";
import type { ChannelName, NormalizedNotification } from "@/lib/core/channels/types";

/** What a webhook answers the channel, in the channel's own dialect. */
export interface ChannelReply {
  status: number;
  body: string;
  contentType: string;
}

export interface ReceiveInput<C> {
  rawBody: string;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  /** The account's decrypted credentials. */
  credentials: C;
  now: Date;
}

export type ReceiveResult =
  | { kind: "accepted"; notification: NormalizedNotification }
  /** Signature, format or account check failed: nothing may be recorded. */
  | { kind: "rejected"; status: 400 | 401; reason: string };

/**
 * One payment channel's webhook: verify exactly as the channel specifies, normalise, and say
 * what to answer. Pure and Web-Crypto-only so it also runs on the Edge runtime.
 */
export interface ChannelAdapter<C = Record<string, string>> {
  channel: ChannelName;
  receive(input: ReceiveInput<C>): Promise<ReceiveResult>;
  /** The acknowledgement the channel expects for a processed (or duplicate, or ignored) notification. */
  ack(): ChannelReply;
  /** The answer to a rejected notification (bad signature → 401, bad format → 400). */
  reject(status: 400 | 401 | 404): ChannelReply;
  /** The answer when we failed internally and want the channel to retry. */
  retryLater(): ChannelReply;
}

/** A verified notification normalised, or a 400 rejection naming the field the channel got wrong. */
export function normalizedOrRejected(normalize: () => NormalizedNotification): ReceiveResult {
  try {
    return { kind: "accepted", notification: normalize() };
  } catch (err) {
    if (err instanceof NotificationFormatError) return { kind: "rejected", status: 400, reason: `invalid: ${err.message}` };
    throw err;
  }
}
