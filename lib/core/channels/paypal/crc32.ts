// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum PayPal puts in its signed webhook message.
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

/** CRC-32 of bytes (or of a string's UTF-8 bytes) as an unsigned integer, like zlib.crc32. */
export function crc32(input: Uint8Array | string): number {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  let crc = 0xffffffff;
  for (const byte of bytes) crc = TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
