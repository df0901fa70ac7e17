// 抖店 (Douyin shop) message push: orders that arrive by themselves.
//
// PARTLY UNVERIFIED (channels.md §4 and §10): the signing rule implemented here is the one documented for
// open-douyin webhooks and named by the issue/contract — header `X-Douyin-Signature` = sha1_hex(appSecret + raw body),
// dedupe on the `Msg-Id` header. Some third-party 抖店 integrations mention an `event-sign` header signed with
// app_key and app_secret instead; that variant is not accepted, because no primary source for it was available.
// The body layout — a JSON array of `{ tag, msg_id, data }` where `data` is the message JSON (as a string, or
// inline) — and the tags/fields follow the doudian SDK's generated message classes (trade_TradeCreate = "100",
// trade_TradePaid = "101": p_id, s_ids, shop_id, order_status, pay_type, pay_time, pay_amount in fen).
import { digestHex } from "@/lib/core/channels/generic/signing";
import { timingSafeEqualString } from "@/lib/core/crypto/timing-safe-equal";

export class DoudianPushFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DoudianPushFormatError";
  }
}

export const DOUDIAN_TAGS = { orderCreated: "100", orderPaid: "101" } as const;

/** What one pushed message means for us. */
export type DoudianEvent =
  | {
      kind: "order_paid";
      msgId: string | null;
      /** 父订单 id (p_id), kept as text: 19-digit ids do not survive as JavaScript numbers. */
      platformOrderId: string;
      /** pay_amount: what the buyer paid, in fen. */
      amount: number;
      paidAt: string | null;
      shopId: string | null;
      subOrderIds: string[];
      payType: number | null;
    }
  /**
   * A message that creates no order: a tag we do not record, or one we cannot read (`invalid`), which is left out
   * without refusing the messages beside it in the push.
   */
  | { kind: "ignored"; msgId: string | null; tag: string; reason: string; invalid?: true };

/** sha1_hex(appSecret + rawBody), the documented `X-Douyin-Signature`. */
export function doudianSignature(appSecret: string, rawBody: string): Promise<string> {
  return digestHex("SHA-1", appSecret + rawBody);
}

/** Constant-time check of `X-Douyin-Signature` over the raw body, before anything is parsed. */
export async function verifyDoudianSignature(appSecret: string, rawBody: string, header: string | undefined): Promise<boolean> {
  if (!header || !/^[0-9a-f]{40}$/i.test(header.trim())) return false;
  return timingSafeEqualString(header.trim().toLowerCase(), await doudianSignature(appSecret, rawBody));
}

/**
 * Wraps integer literals too long for a double in quotes (outside strings only), so JSON.parse keeps
 * 抖店 ids such as 4837328765348566675 exact. Node 20 has no JSON.parse source-text access.
 */
export function quoteLongIntegers(json: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      out += c;
      if (c === "\\") out += json[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      let j = i + 1;
      while (j < json.length && /[0-9.eE+-]/.test(json[j])) j++;
      const literal = json.slice(i, j);
      out += /^-?\d{16,}$/.test(literal) ? `"${literal}"` : literal;
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(quoteLongIntegers(text));
  } catch {
    throw new DoudianPushFormatError(`${what}: not valid JSON`);
  }
}

/** An id (number or digit string) as text. */
function idValue(v: unknown, path: string): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === "string" && /^\d{1,32}$/.test(v)) return v;
  throw new DoudianPushFormatError(`${path}: not an id: ${JSON.stringify(v)}`);
}

const idText = (data: Json, key: string, path: string) => idValue(Object.hasOwn(data, key) ? data[key] : undefined, `${path}.${key}`);

function fenField(data: Json, key: string, path: string): number {
  const v = Object.hasOwn(data, key) ? data[key] : undefined;
  const n = typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) {
    throw new DoudianPushFormatError(`${path}.${key}: must be a positive integer number of fen, got ${JSON.stringify(v)}`);
  }
  return n;
}

function unixSeconds(data: Json, key: string): string | null {
  const v = Object.hasOwn(data, key) ? data[key] : undefined;
  const n = typeof v === "string" && /^\d{1,12}$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? new Date(n * 1000).toISOString() : null;
}

const msgIdOf = (message: Json) =>
  typeof message.msg_id === "string" ? message.msg_id : typeof message.msg_id === "number" ? String(message.msg_id) : null;

function toEvent(message: unknown, index: number): DoudianEvent {
  const path = `[${index}]`;
  if (!isObject(message)) throw new DoudianPushFormatError(`${path}: not an object`);
  const tag = message.tag;
  const msgId = msgIdOf(message);
  if (typeof tag !== "string" && typeof tag !== "number") throw new DoudianPushFormatError(`${path}.tag: required`);
  const tagText = String(tag);
  if (tagText === DOUDIAN_TAGS.orderCreated) {
    // trade_TradeCreate carries no amount, and an order without one cannot be matched: TradePaid creates it.
    return { kind: "ignored", msgId, tag: tagText, reason: "order created without an amount; the order is recorded when paid (tag 101)" };
  }
  if (tagText !== DOUDIAN_TAGS.orderPaid) return { kind: "ignored", msgId, tag: tagText, reason: `tag ${tagText} is not an order we record` };
  const data = typeof message.data === "string" ? parse(message.data, `${path}.data`) : message.data;
  if (!isObject(data)) throw new DoudianPushFormatError(`${path}.data: not an object`);
  const platformOrderId = idText(data, "p_id", `${path}.data`);
  if (!platformOrderId) throw new DoudianPushFormatError(`${path}.data.p_id: required`);
  const subIds = Array.isArray(data.s_ids) ? data.s_ids : [];
  const payType = typeof data.pay_type === "number" && Number.isSafeInteger(data.pay_type) ? data.pay_type : null;
  return {
    kind: "order_paid",
    msgId,
    platformOrderId,
    amount: fenField(data, "pay_amount", `${path}.data`),
    paidAt: unixSeconds(data, "pay_time"),
    shopId: idText(data, "shop_id", `${path}.data`),
    subOrderIds: subIds.map((v, i) => idValue(v, `${path}.data.s_ids[${i}]`)).filter((s): s is string => s !== null),
    payType,
  };
}

/**
 * A message as an event; one that cannot be read is an ignored event giving why. 抖店 retries a push until it is
 * acknowledged, so refusing a whole batch for one bad message would hold back the good ones beside it, again and again.
 */
function readMessage(message: unknown, index: number): DoudianEvent {
  try {
    return toEvent(message, index);
  } catch (err) {
    if (!(err instanceof DoudianPushFormatError)) throw err;
    const tag = isObject(message) && (typeof message.tag === "string" || typeof message.tag === "number") ? String(message.tag) : "";
    return { kind: "ignored", msgId: isObject(message) ? msgIdOf(message) : null, tag, reason: err.message, invalid: true };
  }
}

/**
 * Parses a verified push body (an array of messages, or one message object) into events, one per message. Only a
 * body that is not a push at all (not JSON, no messages, neither an array nor an object) is refused.
 */
export function parseDoudianPush(rawBody: string): DoudianEvent[] {
  const body = parse(rawBody, "body");
  if (!Array.isArray(body) && !isObject(body)) throw new DoudianPushFormatError("body: not a message or an array of messages");
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length === 0) throw new DoudianPushFormatError("body: no messages");
  return messages.map(readMessage);
}
