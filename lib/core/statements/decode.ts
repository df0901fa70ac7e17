/** Text of a statement file and the encoding it was read in. */
export interface DecodedText {
  text: string;
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "gbk" | "windows-1252";
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

/** An XML declaration's single-byte Western encoding (camt from a European bank: encoding="ISO-8859-1"). */
function declaredWesternEncoding(bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1].toLowerCase();
  return !!declared && /^(iso-?8859-(1|15)|latin-?1|windows-1252|cp1252)$/.test(declared);
}

/**
 * Whether bytes that are not UTF-8 read as GBK rather than as a Western single-byte text (a German
 * bank's MT940 in ISO-8859-1). Any byte pair decodes as GBK (Müller: FC 6C is 黮), so the shape
 * decides: Chinese text is pairs of high bytes, most of them GB2312's punctuation and common
 * characters (lead byte A1–D7), while in Latin-1 text a high byte (ä, ü, ß, é: E0–FF) mostly stands
 * alone between ASCII letters, and two in a row (öß) read as GBK's rarer characters (lead D8–FE).
 */
function looksLikeGbk(bytes: Uint8Array): boolean {
  let gbk = 0;
  let western = 0;
  const end = Math.min(bytes.length, 4 * CHUNK_BYTES);
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b < 0x80) continue;
    const next = i + 1 < end ? bytes[i + 1] : 0;
    // A high byte before an ASCII one counts as Latin-1, though GBK's rarer characters end that way too.
    if (b >= 0x81 && b <= 0xfe && next >= 0x80 && next <= 0xfe) {
      gbk += b >= 0xa1 && b <= 0xd7 ? 1 : 0.5;
      i++;
    } else western++;
  }
  return gbk >= western;
}

/** The encoding of a statement file and where its text starts (after a byte-order mark). */
function detectEncoding(bytes: Uint8Array): Detected {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { encoding: "utf-8", start: 3 };
  if (startsWith(bytes, [0xff, 0xfe])) return { encoding: "utf-16le", start: 2 };
  if (startsWith(bytes, [0xfe, 0xff])) return { encoding: "utf-16be", start: 2 };
  if (isValidUtf8(bytes)) return { encoding: "utf-8", start: 0 };
  return { encoding: declaredWesternEncoding(bytes) || !looksLikeGbk(bytes) ? "windows-1252" : "gbk", start: 0 };
}

// A NUL is no character any statement or export means, and PostgreSQL text cannot hold one.
const NUL = /\u0000/g;

function* decodeFrom(bytes: Uint8Array, { encoding, start }: Detected): Generator<string> {
  const decoder = new TextDecoder(encoding);
  for (let i = start; i < bytes.length; i += CHUNK_BYTES) {
    const text = decoder.decode(bytes.subarray(i, Math.min(i + CHUNK_BYTES, bytes.length)), { stream: true }).replace(NUL, "");
    if (text) yield text;
  }
  const tail = decoder.decode().replace(NUL, "");
  if (tail) yield tail;
}

/**
 * Decodes a statement file: a UTF-8 or UTF-16 byte-order mark wins; otherwise the bytes are UTF-8 when
 * they are valid UTF-8, else GBK (Chinese online-banking and Alipay exports) or, when an XML declaration
 * says so or the bytes are shaped like it, Windows-1252 (ISO-8859-1 MT940 and camt from European banks).
 * The WHATWG "gbk" decoder is GB18030, a superset, so any byte sequence decodes (undecodable bytes
 * become U+FFFD). NULs are dropped. Pure: uses the standard TextDecoder, available in Node, browsers
 * and edge runtimes.
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
