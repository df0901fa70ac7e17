import http from "node:http";
import net from "node:net";
import { WebSocketServer } from "ws";

/**
 * A local stand-in for Neon's WebSocket proxy: each WebSocket connection on /v1 is piped to
 * PostgreSQL over TCP, which is what the Neon serverless driver speaks through. Test-only.
 */
export async function startNeonProxy(opts: { pgHost?: string; pgPort?: number } = {}) {
  const pgHost = opts.pgHost ?? "127.0.0.1";
  const pgPort = opts.pgPort ?? 5432;
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: "/v1" });
  wss.on("connection", (ws) => {
    const tcp = net.connect(pgPort, pgHost);
    const pending: Buffer[] = [];
    tcp.on("connect", () => pending.splice(0).forEach((b) => tcp.write(b)));
    ws.on("message", (data: Buffer) => (tcp.connecting ? pending.push(data) : tcp.write(data)));
    tcp.on("data", (d) => ws.readyState === ws.OPEN && ws.send(d));
    const close = () => {
      tcp.destroy();
      ws.terminate();
    };
    ws.on("close", close);
    ws.on("error", close);
    tcp.on("close", close);
    tcp.on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `127.0.0.1:${port}/v1`,
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
