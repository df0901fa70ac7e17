import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlockedTargetError, isPrivateAddress, postOutbound, privateHostProblem } from "@/lib/http/outbound";

describe("storefront webhook targets", () => {
  it("private, loopback, link-local, shared, multicast and reserved addresses are inside; public ones are not", () => {
    for (const ip of ["10.1.2.3", "127.0.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.1.10", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip"]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("IPv6 forms that carry an inside IPv4 address are inside too; the same forms around a public one are not", () => {
    const inside = [
      // IPv4-compatible (::/96), dotted and hex.
      "::127.0.0.1", "::7f00:1", "::a9fe:a9fe", "::8.8.8.8",
      // IPv4-mapped in hex, and IPv4-translated.
      "::ffff:7f00:1", "::ffff:a9fe:a9fe", "0:0:0:0:0:ffff:c0a8:0101", "::ffff:0:127.0.0.1", "::ffff:0:a00:1",
      // NAT64 (well-known prefix) and 6to4 around private addresses; NAT64's local-use prefix; Teredo.
      "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:5", "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101:1::5", "64:ff9b:1::808:808", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ];
    for (const ip of inside) expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["64:ff9b::8.8.8.8", "64:ff9b::808:808", "2002:808:808::1", "::ffff:808:808", "2001:4860:4860::8888", "2a00:1450:4001:80b::200e"]) {
      expect(isPrivateAddress(ip), ip).toBe(false);
    }
  });

  it("a URL naming this server or a private address is refused as written", () => {
    expect(privateHostProblem("http://localhost:3000/hook")).toContain("this server");
    expect(privateHostProblem("http://api.localhost/hook")).toContain("this server");
    expect(privateHostProblem("http://169.254.169.254/latest/meta-data")).toContain("private address");
    expect(privateHostProblem("http://[::1]:8080/")).toContain("private address");
    expect(privateHostProblem("http://[::7f00:1]:5432/")).toContain("private address");
    expect(privateHostProblem("http://[64:ff9b::a9fe:a9fe]/latest/meta-data")).toContain("private address");
    expect(privateHostProblem("https://shop.example.com/hooks/ldxp")).toBeNull();
    expect(privateHostProblem("https://8.8.8.8/hook")).toBeNull();
  });
});

describe("outbound POST", () => {
  // Stands in for a service inside our network: nothing may reach it unless private targets are allowed.
  const received: { url?: string; host?: string; body: string }[] = [];
  const server = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    received.push({ url: req.url, host: req.headers.host, body });
    if (req.url === "/slow") await new Promise((resolve) => setTimeout(resolve, 1_000));
    res.writeHead(req.url === "/moved" ? 302 : 201, req.url === "/moved" ? { location: "http://127.0.0.1/elsewhere" } : {}).end();
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (url: string, opts: { resolve?: (host: string) => Promise<string[]>; allowPrivate?: boolean; timeoutMs?: number } = {}) =>
    postOutbound(url, { headers: { "content-type": "application/json" }, body: '{"a":1}', timeoutMs: opts.timeoutMs ?? 2_000, allowPrivate: opts.allowPrivate ?? false, resolve: opts.resolve });

  it("connects to the address its one lookup vetted: a name answering public, then inside, never reaches inside", async () => {
    const answers = [["192.0.2.10"], ["127.0.0.1"]];
    let lookups = 0;
    const rebinding = async () => answers[Math.min(lookups++, answers.length - 1)];
    await expect(post(`http://rebind.example:${port}/hook`, { resolve: rebinding, timeoutMs: 500 })).rejects.toThrow();
    expect(lookups).toBe(1);
    expect(received).toEqual([]);
  });

  it("refuses a name with any address inside, naming the host and not the address", async () => {
    const refused = post(`http://db.example:${port}/hook`, { resolve: async () => ["93.184.216.34", "10.20.30.40"] });
    await expect(refused).rejects.toBeInstanceOf(BlockedTargetError);
    const message = await refused.catch((e: Error) => e.message);
    expect(message).toBe("db.example resolves to a private or reserved address, not an allowed target");
    await expect(post(`http://mapped.example:${port}/hook`, { resolve: async () => ["::ffff:7f00:1"] })).rejects.toBeInstanceOf(BlockedTargetError);
    await expect(post(`http://[::7f00:1]:${port}/hook`)).rejects.toBeInstanceOf(BlockedTargetError);
    await expect(post(`http://127.0.0.1:${port}/hook`)).rejects.toThrow("127.0.0.1 is a private address, not an allowed target");
    expect(received).toEqual([]);
  });

  it("with private targets allowed, sends to the resolved address under the name, and answers a redirect's status without following it", async () => {
    expect(await post(`http://shop.example:${port}/hook`, { resolve: async () => ["127.0.0.1"], allowPrivate: true })).toBe(201);
    expect(received.splice(0)).toEqual([{ url: "/hook", host: `shop.example:${port}`, body: '{"a":1}' }]);
    expect(await post(`http://127.0.0.1:${port}/moved`, { allowPrivate: true })).toBe(302);
    expect(received.splice(0).map((r) => r.url)).toEqual(["/moved"]);
  });

  it("gives up on an endpoint that does not answer in time", async () => {
    await expect(post(`http://127.0.0.1:${port}/slow`, { allowPrivate: true, timeoutMs: 200 })).rejects.toThrow("no answer within 0.2 s");
    received.splice(0);
  });
});
