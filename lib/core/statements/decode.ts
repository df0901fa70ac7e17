/** Text of a statement file and the encoding it was read in. */
export interface DecodedText {
  text: string;
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "gbk";
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

type Detected = { encoding: DecodedText["encoding"]; start: number };
const CHUNK_BYTES = 1 << 20;

// Validity is checked chunk by chunk so a large file is never held as one string just to be tested.
function isValidUtf8(bytes: Uint8Array): boolean {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for (let i = 0; i < bytes.length; i += CHUNK_BYTES) decoder.decode(bytes.subarray(i, i + CHUNK_BYTES), { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** The encoding of a statement file and where its text starts (after a byte-order mark). */
function detectEncoding(bytes: Uint8Array): Detected {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { encoding: "utf-8", start: 3 };
  if (startsWith(bytes, [0xff, 0xfe])) return { encoding: "utf-16le", start: 2 };
  if (startsWith(bytes, [0xfe, 0xff])) return { encoding: "utf-16be", start: 2 };
  return { encoding: isValidUtf8(bytes) ? "utf-8" : "gbk", start: 0 };
}

function* decodeFrom(bytes: Uint8Array, { encoding, start }: Detected): Generator<string> {
  const decoder = new TextDecoder(encoding);
  for (let i = start; i < bytes.length; i += CHUNK_BYTES) {
    const text = decoder.decode(bytes.subarray(i, Math.min(i + CHUNK_BYTES, bytes.length)), { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * Decodes a statement file: a UTF-8 or UTF-16 byte-order mark wins; otherwise the bytes are UTF-8 when
 * they are valid UTF-8, else GBK (Chinese online-banking and Alipay exports). The WHATWG "gbk" decoder
 * is GB18030, a superset, so any byte sequence decodes (undecodable bytes become U+FFFD). Pure: uses
 * the standard TextDecoder, available in Node, browsers and edge runtimes.
 */
export function decodeStatementBytes(bytes: Uint8Array): DecodedText {
  const detected = detectEncoding(bytes);
  return { text: [...decodeFrom(bytes, detected)].join(""), encoding: detected.encoding };
}

/**
 * The same decoding as {@link decodeStatementBytes}, as text chunks of about a megabyte each (never splitting a
 * character), so a large export is walked without ever being one string.
 */
export const decodeStatementChunks = (bytes: Uint8Array): Generator<string> => decodeFrom(bytes, detectEncoding(bytes));

/** Strips a leading U+FEFF that survived decoding (text handed in directly, or a BOM inside GBK). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
