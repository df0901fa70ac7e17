const encoder = new TextEncoder();

/** Compares two strings by their UTF-8 bytes (lone surrogates count as U+FFFD) without an early exit, so timing does not leak the matching prefix. */
export function timingSafeEqualString(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  // Walk the longer input in full so the loop length does not depend on where the first difference is.
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
