import { and, asc, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { type Certificate, certificatePublicKey, isCertificateValidAt, isIssuedBy, parseCertificate } from "@/lib/core/channels/generic/x509";
import { certificatesExpireAt } from "@/lib/core/channels/credential-fields";
import { platformCertificates, type WechatpayCredentials } from "@/lib/core/channels/wechatpay/credentials";
import { importRsaPublicKey, KeyFormatError } from "@/lib/core/crypto/pem";
import { decryptJson, encryptJson } from "@/lib/crypto/secrets";
import type { Db, DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { channelAccounts, channelEnum, payments, type Channel, type ChannelAccount } from "@/lib/db/schema";
import { badRequest, notFound } from "@/lib/http/errors";
import { encodeCursor, type PageCursor } from "@/lib/http/pagination";
import { isUuid } from "@/lib/core/ids";

const pem = z.string().trim().min(40).max(20_000);
const short = z.string().trim().min(1).max(200);

/** Write-only credentials per channel, as the contract lists them. */
export const credentialSchemas = {
  alipay: z.object({ appId: short, alipayPublicKey: pem, sellerId: short.optional() }),
  // Public-key mode (platformPublicKey + platformPublicKeyId) is what new merchants get; merchants on platform
  // certificates, or migrating from them, add `platformCertificates` ([{serial, pem}] or its JSON text).
  wechatpay: z
    .object({
      mchId: short,
      apiV3Key: z.string().length(32),
      platformPublicKey: pem.optional(),
      platformPublicKeyId: short.optional(),
      platformCertificates: z.union([z.array(z.object({ serial: short, pem })).min(1).max(20), z.string().trim().min(2).max(100_000)]).optional(),
    })
    .refine((c) => (c.platformPublicKey === undefined) === (c.platformPublicKeyId === undefined), {
      message: "platformPublicKey and platformPublicKeyId go together",
      path: ["platformPublicKeyId"],
    })
    .refine((c) => c.platformPublicKey !== undefined || c.platformCertificates !== undefined, {
      message: "required (or give platformCertificates)",
      path: ["platformPublicKey"],
    }),
  unionpay: z.object({ merId: short, rootCertificate: pem, intermediateCertificate: pem }),
  douyin: z.object({ appId: short, token: short }),
  stripe: z.object({ webhookSecret: z.string().trim().startsWith("whsec_").max(200) }),
  paypal: z.object({ webhookId: short, certificate: pem }),
  bank: z.object({ bankName: short, accountNo: short, accountName: short.optional() }),
  other: z.object({ secret: z.string().min(16).max(500) }),
  doudian: z.object({ appKey: short, appSecret: short }),
} satisfies Record<Channel, z.ZodType>;

export type BankCredentials = z.infer<typeof credentialSchemas.bank>;

/** The body that adds a channel account (the API's and the settings page's): credentials are checked per channel on creation. */
export const channelAccountSchema = z.object({
  channel: z.enum(channelEnum.enumValues),
  name: z.string().trim().min(1).max(100),
  credentials: z.record(z.string(), z.unknown()),
});

const mask = (s: string) => (s.length <= 4 ? "****" : `****${s.slice(-4)}`);

/** Non-secret identifiers kept in clear for checks and display. */
function publicConfigOf(channel: Channel, c: Record<string, string | undefined>): Record<string, string> {
  const pick = (...keys: string[]) =>
    Object.fromEntries(keys.filter((k) => c[k] !== undefined).map((k) => [k, c[k] as string]));
  switch (channel) {
    case "alipay":
      return pick("appId", "sellerId");
    case "wechatpay":
      return pick("mchId", "platformPublicKeyId");
    case "unionpay":
      return pick("merId");
    case "douyin":
      return pick("appId");
    case "paypal":
      return pick("webhookId");
    case "doudian":
      return pick("appKey");
    case "bank":
      return { ...pick("bankName", "accountName"), accountNoMasked: mask(c.accountNo ?? "") };
    default:
      return {};
  }
}

export const webhookPath = (channel: Channel, id: string) => `/api/webhooks/${channel}/${id}`;

/**
 * An account as the API and the settings page show it. No credential is in it, identifiers such as
 * appId included: the contract makes credentials write-only (the audit trail records which
 * identifiers a change set, for the merchant's own record).
 */
export function toChannelAccountView(row: ChannelAccount) {
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    webhookUrl: webhookPath(row.channel, row.id),
    lastNotifiedAt: row.lastNotifiedAt?.toISOString() ?? null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const invalidKey = (field: string, message: string) => badRequest(`credentials.${field}: ${message}`, "invalid_field");

async function importableRsaKey(credentials: Record<string, unknown>, field: string) {
  try {
    await importRsaPublicKey(String(credentials[field]));
  } catch {
    throw invalidKey(field, "not an RSA public key (PEM or base64 SPKI)");
  }
}

function readableCertificate(credentials: Record<string, unknown>, field: string): Certificate {
  try {
    return parseCertificate(String(credentials[field]));
  } catch (error) {
    throw invalidKey(field, `not a usable X.509 certificate (${error instanceof KeyFormatError ? error.message : "unreadable"})`);
  }
}

/** Imports every key and certificate now, so a bad paste fails at set-up (400 naming the field), not at the first notify. */
async function checkKeyMaterial(channel: Channel, credentials: Record<string, unknown>) {
  const now = new Date();
  switch (channel) {
    case "alipay":
      return importableRsaKey(credentials, "alipayPublicKey");
    case "wechatpay": {
      if (credentials.platformPublicKey !== undefined) {
        await importableRsaKey(credentials, "platformPublicKey");
        if (!String(credentials.platformPublicKeyId).startsWith("PUB_KEY_ID_")) {
          throw invalidKey("platformPublicKeyId", "must start with PUB_KEY_ID_ (the id shown next to the WeChat Pay public key)");
        }
      }
      if (credentials.platformCertificates === undefined) return;
      let certificates: ReturnType<typeof platformCertificates>;
      try {
        certificates = platformCertificates(credentials.platformCertificates as WechatpayCredentials["platformCertificates"]);
      } catch (error) {
        throw invalidKey("platformCertificates", error instanceof KeyFormatError ? error.message : "unreadable");
      }
      for (const [i, { certificate }] of certificates.entries()) {
        try {
          await certificatePublicKey(certificate);
        } catch {
          throw invalidKey(`platformCertificates[${i}].pem`, "does not hold an RSA public key");
        }
      }
      return;
    }
    case "unionpay": {
      const root = readableCertificate(credentials, "rootCertificate");
      const intermediate = readableCertificate(credentials, "intermediateCertificate");
      if (!(await isIssuedBy(root, root))) throw invalidKey("rootCertificate", "is not a self-signed root certificate");
      if (!(await isIssuedBy(intermediate, root))) throw invalidKey("intermediateCertificate", "is not issued by rootCertificate");
      if (!isCertificateValidAt(root, now)) throw invalidKey("rootCertificate", "is expired or not yet valid");
      if (!isCertificateValidAt(intermediate, now)) throw invalidKey("intermediateCertificate", "is expired or not yet valid");
      return;
    }
    case "paypal": {
      const certificate = readableCertificate(credentials, "certificate");
      try {
        await certificatePublicKey(certificate);
      } catch {
        throw invalidKey("certificate", "does not hold an RSA public key");
      }
      if (!isCertificateValidAt(certificate, now)) throw invalidKey("certificate", "is expired or not yet valid");
      return;
    }
    default:
      return;
  }
}

export interface CreateChannelAccountParams {
  merchantId: string;
  actor: Actor;
  channel: Channel;
  name: string;
  credentials: unknown;
}

/** A channel's credentials checked against its schema: a 400 naming the first bad field. */
function parseCredentials(channel: Channel, credentials: unknown): Record<string, string> {
  const parsed = credentialSchemas[channel].safeParse(credentials);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`credentials.${issue.path.join(".") || "?"}: ${issue.message}`, "invalid_field");
  }
  return parsed.data as Record<string, string>;
}

export async function createChannelAccount(db: Db, params: CreateChannelAccountParams) {
  const credentials = parseCredentials(params.channel, params.credentials ?? {});
  await checkKeyMaterial(params.channel, credentials);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(channelAccounts)
      .values({
        merchantId: params.merchantId,
        channel: params.channel,
        name: params.name,
        credentialsEnc: encryptJson(credentials),
        publicConfig: publicConfigOf(params.channel, credentials),
      })
      .returning();
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      {
        action: "channel_account.created",
        subjectType: "channel_account",
        subjectId: row.id,
        after: { channel: row.channel, name: row.name, publicConfig: row.publicConfig },
      },
    ]);
    return toChannelAccountView(row);
  });
}

/**
 * The body that changes a channel account. Credentials are write-only, so they merge: a field given
 * replaces the stored one, `null` removes an optional one, a field left out keeps its value (a
 * renewed key is sent alone). `disabled` stops the account taking notifications and appearing at
 * checkout; enabling it again brings it back.
 */
export const channelAccountUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    credentials: z.record(z.string(), z.unknown()).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.name !== undefined || b.credentials !== undefined || b.disabled !== undefined, { message: "give name, credentials or disabled" });

export interface UpdateChannelAccountParams extends z.infer<typeof channelAccountUpdateSchema> {
  merchantId: string;
  id: string;
  actor: Actor;
  now?: Date;
}

const sameJson = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).sort(([x], [y]) => x.localeCompare(y))) === JSON.stringify(Object.entries(b).sort(([x], [y]) => x.localeCompare(y)));

/**
 * Renames, re-keys, disables or enables an account, checked as on creation (schema and key material),
 * in one transaction with its audit event (credentials never in it). A change that changes nothing
 * writes nothing, so a retried request is harmless.
 */
export async function updateChannelAccount(db: Db, params: UpdateChannelAccountParams) {
  if (!isUuid(params.id)) throw notFound("Channel account");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(channelAccounts)
      .where(and(eq(channelAccounts.id, params.id), eq(channelAccounts.merchantId, params.merchantId)))
      .for("update");
    if (!row) throw notFound("Channel account");
    const set: Partial<typeof channelAccounts.$inferInsert> = {};
    let credentialsChanged = false;
    if (params.credentials !== undefined) {
      const stored = decryptJson<Record<string, unknown>>(row.credentialsEnc);
      const merged: Record<string, unknown> = { ...stored, ...params.credentials };
      for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
      const credentials = parseCredentials(row.channel, merged);
      await checkKeyMaterial(row.channel, credentials);
      if (!sameJson(credentials, stored)) {
        credentialsChanged = true;
        set.credentialsEnc = encryptJson(credentials);
        set.publicConfig = publicConfigOf(row.channel, credentials);
      }
    }
    if (params.name !== undefined && params.name !== row.name) set.name = params.name;
    if (params.disabled !== undefined && params.disabled !== (row.disabledAt !== null)) set.disabledAt = params.disabled ? (params.now ?? new Date()) : null;
    if (Object.keys(set).length === 0) return toChannelAccountView(row);
    const [updated] = await tx.update(channelAccounts).set(set).where(eq(channelAccounts.id, row.id)).returning();
    const state = (r: ChannelAccount) => ({ name: r.name, publicConfig: r.publicConfig, disabled: r.disabledAt !== null });
    await appendAuditEvents(tx, params.merchantId, params.actor, [
      {
        action: "channel_account.updated",
        subjectType: "channel_account",
        subjectId: row.id,
        before: state(row),
        after: { ...state(updated), credentialsChanged },
      },
    ]);
    return toChannelAccountView(updated);
  });
}

const merchantAccountRows = (db: DbOrTx, merchantId: string) =>
  db.select().from(channelAccounts).where(eq(channelAccounts.merchantId, merchantId)).orderBy(asc(channelAccounts.createdAt));

export async function listChannelAccounts(db: DbOrTx, merchantId: string) {
  return (await merchantAccountRows(db, merchantId)).map(toChannelAccountView);
}

// created_at defaults to now() (microseconds) but a cursor carries a JavaScript Date (milliseconds):
// order and compare on the millisecond, so the row a cursor names is never seen again on the next page.
const createdAtMs = sql`date_trunc('milliseconds', ${channelAccounts.createdAt})`;

/** A page of the merchant's accounts for `GET /api/v1/channel-accounts`: oldest first (the order they were set up in), keyset-paged. */
export async function listChannelAccountsPage(db: DbOrTx, p: { merchantId: string; limit: number; cursor: PageCursor | null }) {
  const where = [eq(channelAccounts.merchantId, p.merchantId)];
  if (p.cursor) where.push(sql`(${createdAtMs}, ${channelAccounts.id}) > (${p.cursor.at.toISOString()}::timestamptz, ${p.cursor.id}::uuid)`);
  const rows = await db
    .select()
    .from(channelAccounts)
    .where(and(...where))
    .orderBy(asc(createdAtMs), asc(channelAccounts.id))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  const last = page[page.length - 1];
  return { data: page.map(toChannelAccountView), nextCursor: rows.length > p.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
}

/** Loads an account with its decrypted credentials (for verification and checkout parameters). */
export async function loadChannelAccount<T>(db: DbOrTx, id: string, merchantId?: string) {
  if (!isUuid(id)) return null;
  const where = merchantId
    ? and(eq(channelAccounts.id, id), eq(channelAccounts.merchantId, merchantId))
    : eq(channelAccounts.id, id);
  const [row] = await db.select().from(channelAccounts).where(where).limit(1);
  if (!row) return null;
  return { account: row, credentials: decryptJson<T>(row.credentialsEnc) };
}

export async function requireChannelAccount<T>(db: DbOrTx, id: string, merchantId: string) {
  const found = await loadChannelAccount<T>(db, id, merchantId);
  if (!found) throw notFound("Channel account");
  return found;
}

/**
 * The settings page's accounts: each with when its last notification arrived, the newest payment a
 * notification recorded (found newest-first through the merchant's received-at index) and when its
 * first certificate expires.
 */
export async function listChannelAccountsWithActivity(db: DbOrTx, merchantId: string, now = new Date()) {
  return Promise.all(
    (await merchantAccountRows(db, merchantId)).map(async (row) => {
      const expires = certificatesExpireAt(row.channel, decryptJson<Record<string, unknown>>(row.credentialsEnc));
      const a = {
        ...toChannelAccountView(row),
        certificates: expires ? { expireAt: expires.toISOString(), daysLeft: Math.floor((expires.getTime() - now.getTime()) / 86_400_000) } : null,
      };
      const [last] = await db
        .select({ paymentId: payments.id, amount: payments.amount, currency: payments.currency, status: payments.status, receivedAt: payments.receivedAt })
        .from(payments)
        .where(and(eq(payments.merchantId, merchantId), eq(payments.channelAccountId, a.id), eq(payments.origin, "notify")))
        .orderBy(desc(payments.receivedAt))
        .limit(1);
      return { ...a, lastPayment: last ? { ...last, receivedAt: last.receivedAt.toISOString() } : null };
    }),
  );
}

// The stamp is shown to the minute: a busy account's row is written at most this often.
const STAMP_EVERY_MS = 10_000;
const stamped = new Map<string, number>();

/**
 * Stamps an account's last notification, after the notification's transaction committed: inside it,
 * the row lock would queue every notification of the account behind the one being recorded. The
 * stamp only moves forward and at most every STAMP_EVERY_MS (skipped here without a round trip when
 * this process stamped it lately; in the WHERE clause otherwise), so a burst does not queue on the row.
 */
export async function stampLastNotified(db: DbOrTx, channelAccountId: string, at: Date) {
  if (at.getTime() - (stamped.get(channelAccountId) ?? -Infinity) < STAMP_EVERY_MS) return;
  stamped.set(channelAccountId, at.getTime());
  await db
    .update(channelAccounts)
    .set({ lastNotifiedAt: at })
    .where(
      and(
        eq(channelAccounts.id, channelAccountId),
        or(isNull(channelAccounts.lastNotifiedAt), lt(channelAccounts.lastNotifiedAt, new Date(at.getTime() - STAMP_EVERY_MS))),
      ),
    );
}
