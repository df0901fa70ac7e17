/** Text of a statement file and the encoding it was read in. */
export interface DecodedText {
  text: string;
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "gbk";
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/**
 * Decodes a statement file: a UTF-8 or UTF-16 byte-order mark wins; otherwise the bytes are UTF-8 when
 * they are valid UTF-8, else GBK (Chinese online-banking and Alipay exports). The WHATWG "gbk" decoder
 * is GB18030, a superset, so any byte sequence decodes (undecodable bytes become U+FFFD). Pure: uses
 * the standard TextDecoder, available in Node, browsers and edge runtimes.
 */
export function decodeStatementBytes(bytes: Uint8Array): DecodedText {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8" };
  if (startsWith(bytes, [0xff, 0xfe])) return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (startsWith(bytes, [0xfe, 0xff])) return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("gbk").decode(bytes), encoding: "gbk" };
  }
}

/** Strips a leading U+FEFF that survived decoding (text handed in directly, or a BOM inside GBK). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
