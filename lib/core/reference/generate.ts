import { assertReferenceLength, DEFAULT_REFERENCE_LENGTH, REFERENCE_ALPHABET } from "@/lib/core/reference/alphabet";
import { computeCheckSymbol } from "@/lib/core/reference/checksum";

const SYMBOL_MASK = REFERENCE_ALPHABET.length - 1;

/** Issues a fresh reference of `length` (9..32): `length - 1` uniformly random symbols from `randomBytes`, then the check symbol. */
export function generateReference(randomBytes: (n: number) => Uint8Array, length: number = DEFAULT_REFERENCE_LENGTH): string {
  assertReferenceLength(length);
  const bodyLength = length - 1;
  const bytes = randomBytes(bodyLength);
  if (bytes.length < bodyLength) throw new RangeError(`randomBytes(${bodyLength}) returned only ${bytes.length} bytes`);
  let body = "";
  // 256 is a multiple of 32, so the low five bits of a uniform byte are a uniform symbol: no modulo bias.
  for (let i = 0; i < bodyLength; i++) body += REFERENCE_ALPHABET[bytes[i] & SYMBOL_MASK];
  return body + computeCheckSymbol(body);
}
