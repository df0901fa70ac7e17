/** The fields of an audit event that its hash covers (everything but the database id). */
export interface AuditRecord {
  merchantId: string;
  actorType: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  createdAt: string; // RFC 3339 UTC, millisecond precision
}

/** JSON with object keys sorted at every level, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/** The text an event's hash is taken over (as UTF-8): the previous hash, a newline, the record as canonical JSON. */
export function auditHashInput(prevHash: string | null, record: AuditRecord): string {
  return `${prevHash ?? ""}\n${canonicalJson(record)}`;
}

/** SHA-256 over the previous hash and the record: editing or deleting any event breaks the chain after it. */
export async function auditHash(prevHash: string | null, record: AuditRecord): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(auditHashInput(prevHash, record))));
}

/** Just the hashed fields of an event row (its id, links and any other column left out). */
export function auditRecordOf(e: AuditRecord): AuditRecord {
  return {
    merchantId: e.merchantId,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    before: e.before,
    after: e.after,
    createdAt: e.createdAt,
  };
}

export interface ChainBreak {
  index: number;
  reason: "hash_mismatch" | "prev_mismatch";
}

/** Finds the first broken link in a merchant's events (ordered by id), or null when intact. */
export async function verifyChain(
  events: (AuditRecord & { prevHash: string | null; hash: string | null })[],
  /** The hash of the event before the first one given, when the chain is checked a page at a time. */
  prevHash: string | null = null,
): Promise<ChainBreak | null> {
  let prev: string | null = prevHash;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.prevHash !== prev) return { index: i, reason: "prev_mismatch" };
    if ((await auditHash(prev, auditRecordOf(e))) !== e.hash) return { index: i, reason: "hash_mismatch" };
    prev = e.hash;
  }
  return null;
}
