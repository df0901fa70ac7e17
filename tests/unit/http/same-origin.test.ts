import { describe, expect, it } from "vitest";
import { isSameOriginWrite } from "@/lib/http/same-origin";

const write = (headers: Record<string, string>, url = "http://127.0.0.1:3000/api/app/statements") => isSameOriginWrite(new Request(url, { method: "POST", headers }));

describe("same-origin writes", () => {
  it("a browser that says where the request comes from must say same-origin (or none: the user's own)", () => {
    expect(write({ "sec-fetch-site": "same-origin" })).toBe(true);
    expect(write({ "sec-fetch-site": "none" })).toBe(true);
    for (const site of ["same-site", "cross-site", "", "Same-Origin"]) expect(write({ "sec-fetch-site": site }), site).toBe(false);
    // Sec-Fetch-Site decides when present: a matching Origin does not make a same-site request ours.
    expect(write({ "sec-fetch-site": "same-site", origin: "http://127.0.0.1:3000" })).toBe(false);
  });

  it("otherwise an Origin must be the request's own, as addressed or as the proxy forwarded it", () => {
    expect(write({ origin: "http://127.0.0.1:3000" })).toBe(true);
    expect(write({ origin: "HTTPS://Pay.Example.CN" }, "https://pay.example.cn:443/api/app/x")).toBe(true);
    expect(write({ origin: "https://pay.example.cn", host: "pay.example.cn", "x-forwarded-proto": "https" })).toBe(true);
    expect(write({ origin: "https://pay.example.cn", "x-forwarded-host": "pay.example.cn, 10.0.0.2", "x-forwarded-proto": "https,http" })).toBe(true);
    for (const origin of ["http://shop.127.0.0.1:3000", "https://127.0.0.1:3000", "http://127.0.0.1:3001", "null", "not a url"]) expect(write({ origin }), origin).toBe(false);
    expect(write({ origin: "http://pay.example.cn", "x-forwarded-host": "pay.example.cn", "x-forwarded-proto": "https" })).toBe(false);
  });

  it("a request with neither header (a script, a tool) is not a browser's cross-origin write", () => {
    expect(write({})).toBe(true);
  });
});
