import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { decryptJson, decryptSecret, makeKeyRing, parseKey, resetKeyRing } from "@/lib/crypto/secrets";
import { insertUnchainedAuditEvents } from "@/lib/db/queries/audit";
import { auditEvents, channelAccounts, webhookEvents } from "@/lib/db/schema";
import { verifyAuditChains } from "@/lib/services/audit-verify";
import { updateChannelAccount } from "@/lib/services/channel-accounts";
import { rotateEncryptionKeys } from "@/lib/services/key-rotation";
import { sweepPayments } from "@/lib/services/recovery";
import type { Db } from "@/lib/db/client";
import { generateAlipayKeyPair } from "../helpers/alipay-signer";
import { createOrder, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();

describe(`audit trail and keys (${process.env.TEST_DB})`, () => {
  it("audit:verify reports the first broken link when a row is edited or deleted", async () => {
    const m = await merchantWithAlipay();
    await createOrder(m.apiKey);
    await createOrder(m.apiKey);
    let [report] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(report.broken).toBeNull();
    expect(report.events).toBe(6);
    // Checked a page at a time, the links across pages are checked too.
    expect((await verifyAuditChains(t.db(), { merchantId: m.merchantId, pageSize: 2 }))[0]).toEqual(report);
    const rows = await t.db().select().from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId)).orderBy(auditEvents.id);
    await t.db().update(auditEvents).set({ after: { amount: 1 } }).where(eq(auditEvents.id, rows[4].id));
    [report] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(report.broken).toMatchObject({ eventId: rows[4].id, reason: "hash_mismatch" });
    for (const pageSize of [1, 2, 4]) expect((await verifyAuditChains(t.db(), { merchantId: m.merchantId, pageSize }))[0]).toEqual(report);
    const n = await merchantWithAlipay();
    const nRows = await t.db().select().from(auditEvents).where(eq(auditEvents.merchantId, n.merchantId)).orderBy(auditEvents.id);
    await t.db().delete(auditEvents).where(eq(auditEvents.id, nRows[1].id));
    [report] = await verifyAuditChains(t.db(), { merchantId: n.merchantId });
    expect(report.broken).toMatchObject({ eventId: nRows[2].id, reason: "prev_mismatch" });
    // A page boundary right at the gap finds it all the same.
    expect((await verifyAuditChains(t.db(), { merchantId: n.merchantId, pageSize: 1 }))[0]).toEqual(report);
  });

  it("an event left unlinked (a crash after a notify's commit) reads as unchained, not broken, and the sweep links it", async () => {
    const m = await merchantWithAlipay();
    await insertUnchainedAuditEvents(t.db(), m.merchantId, { type: "channel", id: m.accountId }, [
      { action: "payment.recorded", subjectType: "payment", subjectId: "p-1", after: { amount: 100 } },
    ]);
    let [report] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(report).toMatchObject({ events: 4, unchained: 1, broken: null });
    expect(report.oldestUnchainedAt).toBeInstanceOf(Date);
    await sweepPayments(t.db());
    [report] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(report).toMatchObject({ events: 5, unchained: 0, oldestUnchainedAt: null, broken: null });
    const rows = await t.db().select().from(auditEvents).where(eq(auditEvents.merchantId, m.merchantId)).orderBy(auditEvents.chainSeq);
    expect(rows.map((r) => r.chainSeq)).toEqual([1, 2, 3, 4, 5]);
    // Unlinking a chained event (to edit it and have it linked again) breaks the chain where it was.
    await t.db().update(auditEvents).set({ chainSeq: null, hash: null, prevHash: null }).where(eq(auditEvents.id, rows[1].id));
    [report] = await verifyAuditChains(t.db(), { merchantId: m.merchantId });
    expect(report.broken).toMatchObject({ eventId: rows[2].id, reason: "prev_mismatch" });
  });

  it("key rotation re-wraps every secret under the new key; old key then no longer needed", async () => {
    const m = await merchantWithAlipay();
    await createOrder(m.apiKey, { customer: { phone: "13912345678" } });
    const oldKey = parseKey(process.env.ENCRYPTION_KEY!);
    const newKey = crypto.randomBytes(32);
    const counts = await rotateEncryptionKeys(t.db(), makeKeyRing(newKey, [oldKey]));
    expect(counts["channel_accounts.credentials_enc"]).toBeGreaterThanOrEqual(1);
    expect(counts["orders.customer_phone_enc"]).toBeGreaterThanOrEqual(1);
    const [row] = await t.db().select().from(channelAccounts).where(eq(channelAccounts.id, m.accountId));
    const onlyNew = makeKeyRing(newKey);
    expect(decryptJson<{ appId: string }>(row.credentialsEnc, onlyNew).appId).toBe(m.appId);
    expect(() => decryptJson(row.credentialsEnc, makeKeyRing(oldKey))).toThrow(/not configured/);
    // Running it again finds nothing left to do.
    const again = await rotateEncryptionKeys(t.db(), makeKeyRing(newKey, [oldKey]));
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    // Put the suite's key back so later tests in this file decrypt as before.
    await rotateEncryptionKeys(t.db(), makeKeyRing(oldKey, [newKey]));
    resetKeyRing();
  });

  it("a credential renewed while rotation runs is kept, not overwritten with the old value", async () => {
    const m = await merchantWithAlipay();
    const renewed = generateAlipayKeyPair();
    const oldKey = parseKey(process.env.ENCRYPTION_KEY!);
    const newKey = crypto.randomBytes(32);
    const ring = makeKeyRing(newKey, [oldKey]);
    const real = t.db();
    let renewedOnce = false;
    // The merchant renews the channel key between rotation's read of a batch and its write.
    const racing = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop !== "transaction") return Reflect.get(target, prop, receiver);
        return async (...args: unknown[]) => {
          if (!renewedOnce) {
            renewedOnce = true;
            await updateChannelAccount(real, { merchantId: m.merchantId, id: m.accountId, actor: { type: "user", id: null }, credentials: { alipayPublicKey: renewed.publicKeyPem } });
          }
          return (target.transaction as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Db;
    await rotateEncryptionKeys(racing, ring);
    expect(renewedOnce).toBe(true);
    const [row] = await real.select().from(channelAccounts).where(eq(channelAccounts.id, m.accountId));
    expect(decryptJson<Record<string, string>>(row.credentialsEnc, ring).alipayPublicKey.trim()).toBe(renewed.publicKeyPem.trim());
    // Rotated all the same: the renewed value was re-read and re-wrapped under the new key.
    expect(decryptJson<Record<string, string>>(row.credentialsEnc, makeKeyRing(newKey)).alipayPublicKey.trim()).toBe(renewed.publicKeyPem.trim());
    await rotateEncryptionKeys(real, makeKeyRing(oldKey, [newKey]));
    resetKeyRing();
  });

  it("a notification's body is kept sealed (it names the payer), and rotation seals bodies an earlier release kept in clear", async () => {
    const m = await merchantWithAlipay();
    expect((await payWithAlipay(m, "NOT-OURS-SEALED", "12.00")).text).toBe("success");
    const [event] = await t.db().select().from(webhookEvents).where(eq(webhookEvents.channelAccountId, m.accountId));
    expect(event.rawBody.startsWith("v1.")).toBe(true);
    expect(event.rawBody).not.toContain("buyer_id");
    const body = decryptSecret(event.rawBody);
    expect(body).toContain("out_trade_no=NOT-OURS-SEALED");
    expect(body).toContain("buyer_id=");

    // A body stored in clear before this release: the next rotation seals it, and the sealed ones it re-wraps.
    const legacy = "gmt_payment=2026-11-01+10%3A00%3A00&buyer_id=2088102122524333&out_trade_no=LEGACY";
    await t.db().insert(webhookEvents).values({ merchantId: m.merchantId, channelAccountId: m.accountId, channel: "alipay", eventKey: "legacy-plain", rawBody: legacy });
    const oldKey = parseKey(process.env.ENCRYPTION_KEY!);
    const newKey = crypto.randomBytes(32);
    const counts = await rotateEncryptionKeys(t.db(), makeKeyRing(newKey, [oldKey]));
    expect(counts["webhook_events.raw_body"]).toBeGreaterThanOrEqual(2);
    const onlyNew = makeKeyRing(newKey);
    const stored = await t.db().select().from(webhookEvents).where(eq(webhookEvents.channelAccountId, m.accountId));
    expect(stored.map((e) => decryptSecret(e.rawBody, onlyNew)).sort()).toEqual([body, legacy].sort());
    await rotateEncryptionKeys(t.db(), makeKeyRing(oldKey, [newKey]));
    resetKeyRing();
  });

  it("no credential or phone number is stored in clear anywhere in the database", async () => {
    const m = await merchantWithAlipay();
    await createOrder(m.apiKey, { customer: { phone: "13700001111" } });
    const dump = (await t.db().execute(sql`
      select string_agg(x::text, '|') as d from (
        select row_to_json(c)::text as x from channel_accounts c
        union all select row_to_json(o)::text from orders o
        union all select row_to_json(a)::text from audit_events a
        union all select row_to_json(w)::text from webhook_events w) s`)) as unknown as { rows: { d: string }[] };
    const text = String(dump.rows[0].d);
    expect(text).not.toContain("13700001111");
    expect(text).not.toContain("BEGIN PUBLIC KEY");
    expect(text).not.toContain(m.keys.publicKeyPem.split("\n")[1]);
  });
});
