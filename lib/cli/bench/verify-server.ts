// The bare-Node baseline: node:http plus the webhook's own Alipay verifier, no framework and no database.
// `npx tsx lib/cli/bench/verify-server.ts <port>` with LDXP_BENCH_ALIPAY_PUBLIC_KEY set (PEM or base64 of it).
import http from "node:http";
import { pathToFileURL } from "node:url";
import { alipayAdapter } from "@/lib/core/channels/alipay";
import { readConfig } from "@/lib/config/env";

/** Answers every POST like /api/bench/verify: `success` for a good signature, 401 `fail` otherwise. */
export function createVerifyServer(publicKeyPem: string): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const appId = new URLSearchParams(rawBody).get("app_id") ?? "";
      const result = await alipayAdapter.receive({ rawBody, headers, credentials: { appId, alipayPublicKey: publicKeyPem }, now: new Date() });
      const reply = result.kind === "accepted" ? alipayAdapter.ack() : alipayAdapter.reject(result.status);
      res.writeHead(reply.status, { "content-type": reply.contentType }).end(reply.body);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const key = readConfig().benchAlipayPublicKey;
  if (!key) throw new Error("LDXP_BENCH_ALIPAY_PUBLIC_KEY is not set");
  const port = Number(process.argv[2] ?? 0);
  const server = createVerifyServer(key);
  // GET answers 200 too, as the readiness probe.
  server.listen(port, "127.0.0.1", () => console.log(`verify-only server on ${JSON.stringify(server.address())}`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
