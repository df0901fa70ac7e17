import { describe, expect, it } from "vitest";
import { readBodyWithin, readTextWithin } from "@/lib/http/body";

/** A request whose body arrives as a stream of `chunks` chunks of `size` bytes, with no Content-Length. */
function streamed(chunks: number, size: number) {
  let sent = 0;
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (sent === chunks) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  const request = new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("reading a body within a limit", () => {
  it("reads a body up to the limit, in bytes (CJK text counts three a character)", async () => {
    expect(await readTextWithin(new Request("http://x/", { method: "POST", body: "货款" }), 6)).toBe("货款");
    expect(await readTextWithin(new Request("http://x/", { method: "POST", body: "货款" }), 5)).toBeNull();
    expect(await readBodyWithin(new Request("http://x/", { method: "POST" }), 5)).toEqual(new Uint8Array(0));
  });

  it("refuses an announced Content-Length above the limit without reading", async () => {
    const request = new Request("http://x/", { method: "POST", body: "a", headers: { "content-length": "999999" } });
    expect(await readBodyWithin(request, 1000)).toBeNull();
  });

  it("stops reading a streamed body once it passes the limit, not at its end", async () => {
    const big = streamed(1000, 1024);
    expect(await readBodyWithin(big.request, 10 * 1024)).toBeNull();
    expect(big.pulled()).toBeLessThan(20);
    const small = streamed(3, 1024);
    expect((await readBodyWithin(small.request, 10 * 1024))?.byteLength).toBe(3072);
  });
});
