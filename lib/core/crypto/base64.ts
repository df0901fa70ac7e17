/** Thrown when a string is not valid standard base64. */
export class Base64FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Base64FormatError";
  }
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Decodes standard base64, ignoring ASCII whitespace (PEM bodies and pasted keys wrap lines); padding optional. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  // Own decoder instead of atob: atob's "forgiving" rules differ between runtimes and it yields a binary string.
  const clean = text.replace(/[\t\n\f\r ]+/g, "");
  const body = clean.replace(/={1,2}$/, "");
  if (clean.length !== body.length && clean.length % 4 !== 0) throw new Base64FormatError("base64 padding is misplaced");
  if (body.length % 4 === 1) throw new Base64FormatError("base64 length is impossible");
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    const v = code < 128 ? DECODE[code] : -1;
    if (v < 0) throw new Base64FormatError(`invalid base64 character at offset ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Encodes bytes as standard, padded base64 without line breaks. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + "==";
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + "=";
  }
  return out;
}
