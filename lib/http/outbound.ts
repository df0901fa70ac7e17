import dns from "node:dns/promises";
import net from "node:net";

// A merchant names the URL we POST storefront events to. Left unchecked, that is a way into our own
// network (cloud metadata at 169.254.169.254, a database port on localhost, an internal admin page):
// targets in these ranges are refused unless the deployment allows them (LDXP_WEBHOOK_ALLOW_PRIVATE=1,
// for development and for storefronts on the same private network).
const BLOCKED = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  BLOCKED.addSubnet(address, prefix, "ipv4");
}
for (const [address, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  BLOCKED.addSubnet(address, prefix, "ipv6");
}

/** Whether an IP address is loopback, private, link-local, shared, multicast or reserved (or not an address). */
export function isPrivateAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = net.isIP(ip);
  if (family === 0) return true;
  return BLOCKED.check(ip, family === 4 ? "ipv4" : "ipv6");
}

const hostOf = (url: string) => new URL(url).hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
const isLocalName = (host: string) => host === "localhost" || host.endsWith(".localhost");

/** What is wrong with a URL's host as it is written (a private address or localhost), without a DNS lookup; null when nothing. */
export function privateHostProblem(url: string): string | null {
  const host = hostOf(url);
  if (isLocalName(host)) return `${host} is this server`;
  if (net.isIP(host) && isPrivateAddress(host)) return `${host} is a private address`;
  return null;
}

/** What is wrong with a URL's target once its host is resolved (any address private), or null. */
export async function privateTargetProblem(url: string, lookup: (host: string) => Promise<string[]> = resolveAll): Promise<string | null> {
  const written = privateHostProblem(url);
  if (written) return written;
  const host = hostOf(url);
  if (net.isIP(host)) return null;
  const addresses = await lookup(host);
  const inside = addresses.find(isPrivateAddress);
  return inside ? `${host} resolves to ${inside}, a private address` : null;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}
