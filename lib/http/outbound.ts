import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
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
  // IPv4-compatible addresses (::a.b.c.d, deprecated) with :: and ::1: no public host uses them, and a
  // stack that still routes them reaches the IPv4 address inside.
  ["::", 96],
  // NAT64's local-use prefix (RFC 8215) translates to whatever the operator's network holds.
  ["64:ff9b:1::", 48],
  // Teredo: tunnels to an IPv4 address we cannot vet.
  ["2001::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  BLOCKED.addSubnet(address, prefix, "ipv6");
}

/** The 16 bytes of a valid IPv6 address (dotted IPv4 tail and :: allowed). */
function ipv6Bytes(ip: string): number[] {
  let text = ip;
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1].split(".").map(Number);
    text = `${text.slice(0, -tail[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split("::");
  const groups = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = groups(rest);
  const words = rest === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

/**
 * The IPv4 address an IPv6 address carries and reaches through a translator or tunnel: IPv4-mapped
 * (::ffff:a.b.c.d, also written ::ffff:7f00:1), IPv4-translated (::ffff:0:a.b.c.d), NAT64
 * (64:ff9b::/96) and 6to4 (2002:aabb:ccdd::/48); null for any other.
 */
function embeddedIpv4(ip: string): string | null {
  const b = ipv6Bytes(ip);
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join(".");
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return v4(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return null;
}

/** Whether an IP address is loopback, private, link-local, shared, multicast or reserved (or not an address). */
export function isPrivateAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 0) return true;
  if (family === 4) return BLOCKED.check(ip, "ipv4");
  const inner = embeddedIpv4(ip);
  if (inner) return isPrivateAddress(inner);
  return BLOCKED.check(ip, "ipv6");
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

/** A host name's addresses, every one of them (A and AAAA). */
export type Resolver = (host: string) => Promise<string[]>;

/**
 * A target this deployment does not send to. Its message is for the merchant's delivery log: it names
 * the host as they wrote it, never the address a name resolved to (that would map our network for them).
 */
export class BlockedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockedTargetError";
  }
}

export interface OutboundPost {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** LDXP_WEBHOOK_ALLOW_PRIVATE: private and reserved addresses may be connected to. */
  allowPrivate: boolean;
  /** The name lookup; the system resolver unless a test gives one. */
  resolve?: Resolver;
}

/**
 * POSTs `body` to `url` and answers the response status; a redirect is returned as it is, not followed.
 * The host name is resolved once, at connect time, and the socket connects only to the addresses that
 * lookup vetted: checking a name and then letting the HTTP client resolve it again would let a DNS
 * answer that changes in between (rebinding) take the request inside. The request still carries the
 * name (Host header, TLS SNI and certificate check), as a plain request to the URL would.
 */
export function postOutbound(url: string, init: OutboundPost): Promise<number> {
  const target = new URL(url);
  const written = init.allowPrivate ? null : privateHostProblem(url);
  if (written) return Promise.reject(new BlockedTargetError(`${written}, not an allowed target`));
  const client = target.protocol === "https:" ? https : http;
  const body = Buffer.from(init.body);
  return new Promise<number>((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: "POST",
        headers: { ...init.headers, "content-length": String(body.length) },
        // No pooled socket: each request connects (and so resolves and vets) anew.
        agent: false,
        lookup: vettedLookup(init.resolve ?? resolveAll, init.allowPrivate),
        signal: AbortSignal.timeout(init.timeoutMs),
      },
      (res) => {
        // Only the status matters; the body is not read, so a storefront cannot hold the sweep with one.
        resolve(res.statusCode ?? 0);
        res.destroy();
      },
    );
    req.on("error", (err) => reject(err.name === "AbortError" ? new Error(`no answer within ${init.timeoutMs / 1000} s`) : err));
    req.end(body);
  });
}

/** A socket `lookup` that resolves through `resolve` and hands the socket only addresses it may connect to. */
function vettedLookup(resolve: Resolver, allowPrivate: boolean): net.LookupFunction {
  return (host, options, callback) => {
    resolve(host).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => net.isIP(a) === options.family) : addresses;
        // One address inside refuses the name: which one the socket would pick is not ours to bet on.
        if (!allowPrivate && addresses.some(isPrivateAddress)) {
          callback(new BlockedTargetError(`${host} resolves to a private or reserved address, not an allowed target`), "");
        } else if (wanted.length === 0) {
          callback(Object.assign(new Error(`${host} has no address`), { code: "ENOTFOUND" }), "");
        } else if (options.all) {
          callback(null, wanted.map((address) => ({ address, family: net.isIP(address) })));
        } else {
          callback(null, wanted[0], net.isIP(wanted[0]));
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, ""),
    );
  };
}

async function resolveAll(host: string): Promise<string[]> {
  return (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}
