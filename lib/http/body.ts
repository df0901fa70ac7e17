/**
 * A request body as bytes, read in chunks and given up on as soon as it passes `maxBytes` (announced
 * in Content-Length or not): an oversized body is refused without being held whole. Null when too large.
 */
export async function readBodyWithin(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const announced = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(announced) && announced > maxBytes) return null;
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

/** The same, decoded as UTF-8 text (what Request#text() gives), or null when too large. */
export async function readTextWithin(request: Request, maxBytes: number): Promise<string | null> {
  const bytes = await readBodyWithin(request, maxBytes);
  return bytes && new TextDecoder().decode(bytes);
}
