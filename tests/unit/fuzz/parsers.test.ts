import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeAlipayNotification, parseAlipayForm } from "@/lib/core/channels/alipay";
import { NotificationFormatError } from "@/lib/core/channels/errors";
import { channelAdapters } from "@/lib/core/channels/registry";
import { KeyFormatError } from "@/lib/core/crypto/pem";
import { PlatformExportFormatError, parsePlatformOrders } from "@/lib/core/orders/platform-export";
import { damagedReferenceCandidates, extractReferences, findDamagedReferenceTokens, isValidReference } from "@/lib/core/reference";
import { parseStatement, STATEMENT_FORMATS, StatementFormatError } from "@/lib/core/statements";
import { ALIPAY_SAMPLE, CMB_SAMPLE, ICBC_SAMPLE } from "../../fixtures/statements/cn-exports";

const RUNS = { numRuns: 300 };
const NOW = new Date("2026-03-01T04:00:00Z");
const fixture = (rel: string) => readFileSync(path.join(process.cwd(), "tests/fixtures", rel));

/** Runs `f`; a throw is acceptable only if it is one of `allowed`. */
function onlyThrows(allowed: (new (...args: never[]) => Error)[], f: () => unknown) {
  try {
    return f();
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) throw error;
    return undefined;
  }
}

/** Mutations of a real file: truncation, splice of random text, a flipped byte — the shapes broken uploads take. */
const mutated = (source: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: source.length }).map((n) => source.slice(0, n)),
    fc.tuple(fc.nat({ max: source.length }), fc.uint8Array({ maxLength: 40 })).map(([at, junk]) => {
      const out = new Uint8Array(source.length + junk.length);
      out.set(source.slice(0, at));
      out.set(junk, at);
      out.set(source.slice(at), at + junk.length);
      return out;
    }),
    fc.tuple(fc.nat({ max: Math.max(0, source.length - 1) }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
      const out = source.slice();
      if (out.length) out[at] = byte;
      return out;
    }),
  );

const text = fc.string({ unit: "binary", maxLength: 300 });
const formField = fc.tuple(
  fc.constantFrom("trade_no", "out_trade_no", "trade_status", "app_id", "total_amount", "refund_fee", "gmt_payment", "gmt_refund", "charset", "sign", "sign_type", "out_biz_no", "notify_type", "seller_id"),
  fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("TRADE_SUCCESS", "TRADE_CLOSED", "TRADE_FINISHED", "WAIT_BUYER_PAY", "128.00", "0.00", "-1", "1e3", "99999999999999999.99", "2024-03-01 12:00:05", "2024-02-30 25:61:61", "utf-8", "gbk", "%E4%B8", "%")),
);

describe("fuzz: Alipay form parsing and normalisation", () => {
  it("parseAlipayForm either decodes or throws NotificationFormatError", () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.array(formField, { maxLength: 12 }).map((fields) => fields.map(([k, v]) => `${k}=${v}`).join("&"))), (body) => {
        onlyThrows([NotificationFormatError], () => parseAlipayForm(body));
      }),
      RUNS,
    );
  });

  it("normalizeAlipayNotification either yields integer-fen events or throws NotificationFormatError", () => {
    fc.assert(
      fc.property(fc.array(formField, { maxLength: 14 }), (fields) => {
        const params = Object.fromEntries(fields);
        const result = onlyThrows([NotificationFormatError], () => normalizeAlipayNotification(params));
        if (result === undefined) return;
        for (const value of Object.values(result as object)) {
          if (!Array.isArray(value)) continue;
          for (const event of value) {
            if (event && typeof event === "object" && "amount" in event) {
              expect(Number.isSafeInteger(event.amount)).toBe(true);
              expect(event.amount).toBeGreaterThanOrEqual(0);
            }
          }
        }
      }),
      RUNS,
    );
  });
});

const JUNK_CREDENTIALS = fc.record({
  appId: fc.string({ maxLength: 20 }),
  alipayPublicKey: fc.oneof(fc.string({ maxLength: 40 }), fc.constant("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")),
  token: fc.string({ maxLength: 20 }),
  secret: fc.string({ maxLength: 40 }),
  webhookId: fc.string({ maxLength: 20 }),
  certificate: fc.string({ maxLength: 40 }),
  webhookSecret: fc.string({ maxLength: 40 }),
  merId: fc.string({ maxLength: 15 }),
  rootCertificate: fc.string({ maxLength: 40 }),
  intermediateCertificate: fc.string({ maxLength: 40 }),
  mchId: fc.string({ maxLength: 12 }),
  apiV3Key: fc.string({ minLength: 32, maxLength: 32 }),
  platformPublicKey: fc.string({ maxLength: 40 }),
  platformPublicKeyId: fc.string({ maxLength: 20 }),
});

const HEADER_NAMES = [
  "content-type",
  "wechatpay-signature",
  "wechatpay-timestamp",
  "wechatpay-nonce",
  "wechatpay-serial",
  "wechatpay-signature-type",
  "stripe-signature",
  "paypal-transmission-id",
  "paypal-transmission-time",
  "paypal-transmission-sig",
  "paypal-cert-url",
  "paypal-auth-algo",
  "x-ldxp-signature",
  "x-signature",
];
const nowSeconds = String(Math.floor(NOW.getTime() / 1000));
const headerValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(nowSeconds, `t=${nowSeconds},v1=00`, `t=${nowSeconds},v1=${"ab".repeat(32)}`, "SHA256withRSA", "PUB_KEY_ID_0114232134912410000000000000", "application/json"),
);
const body = fc.oneof(
  text,
  fc.json({ maxDepth: 3 }),
  fc.array(formField, { maxLength: 10 }).map((fields) => fields.map(([k, v]) => `${k}=${v}`).join("&")),
  fc.constantFrom('{"id":"EVT","event_type":"TRANSACTION.SUCCESS","resource":{"algorithm":"AEAD_AES_256_GCM","ciphertext":"","nonce":"","associated_data":""}}', '{"msg":"{}","sign":"x"}', "{}", "[]", "null"),
);

describe("fuzz: every channel adapter's receive()", () => {
  for (const [channel, adapter] of Object.entries(channelAdapters)) {
    it(`${channel}: arbitrary bodies, headers and junk credentials are rejected, never thrown (KeyFormatError excepted)`, async () => {
      await fc.assert(
        fc.asyncProperty(body, fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue), JUNK_CREDENTIALS, async (rawBody, headers, credentials) => {
          let result;
          try {
            result = await adapter!.receive({ rawBody, headers, credentials: credentials as never, now: NOW });
          } catch (error) {
            if (error instanceof KeyFormatError) return;
            throw error;
          }
          expect(result.kind).toBe("rejected");
          if (result.kind === "rejected") expect([400, 401]).toContain(result.status);
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe("fuzz: statement parsers", () => {
  const samples: [string, Uint8Array][] = [
    ["cmb", new TextEncoder().encode(CMB_SAMPLE)],
    ["icbc", new TextEncoder().encode(ICBC_SAMPLE)],
    ["alipay-bill", new TextEncoder().encode(ALIPAY_SAMPLE)],
    ["camt053", fixture("statements/camt053/genkgo_camt.053.001.08_fixture.xml")],
    ["mt940", fixture("statements/mt940/ing_nl_sepa_ing-4.txt")],
  ];
  const formats = ["auto", ...STATEMENT_FORMATS] as const;

  it("arbitrary bytes in any declared format: a result with integer amounts, or StatementFormatError", () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.oneof(fc.uint8Array({ maxLength: 400 }), ...samples.map(([, bytes]) => mutated(bytes))), (format, bytes) => {
        const result = onlyThrows([StatementFormatError], () => parseStatement(format, bytes));
        if (!result) return;
        const parsed = result as ReturnType<typeof parseStatement>;
        expect(Array.isArray(parsed.rejected)).toBe(true);
        for (const line of JSON.stringify(parsed).matchAll(/"amount":(-?[\d.e+]+)/g)) expect(Number.isSafeInteger(Number(line[1]))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("fuzz: platform order exports", () => {
  const douyin = fixture("orders/douyin-orders-utf8-bom.csv").toString("utf8");
  it("arbitrary and mutated CSV text: orders and rejected lines, or PlatformExportFormatError", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("taobao", "douyin"),
        fc.oneof(text, mutated(new TextEncoder().encode(douyin)).map((b) => new TextDecoder().decode(b))),
        (format, csv) => {
          const result = onlyThrows([PlatformExportFormatError], () => parsePlatformOrders(csv, format as "taobao" | "douyin"));
          if (!result) return;
          for (const order of (result as ReturnType<typeof parsePlatformOrders>).orders) expect(Number.isSafeInteger(order.amount)).toBe(true);
        },
      ),
      RUNS,
    );
  });
});

describe("fuzz: reference extraction", () => {
  it("extractReferences returns only valid references; damaged-token repair never throws and proposes only valid ones", () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: fc.constantFrom(..."0123456789ABCDEFGHJKMNPQRSTVWXYZ ILOU-/，：０１"), maxLength: 80 })), (memo) => {
        for (const reference of extractReferences(memo)) expect(isValidReference(reference)).toBe(true);
        for (const token of findDamagedReferenceTokens(memo)) {
          for (const candidate of damagedReferenceCandidates(token)) expect(isValidReference(candidate)).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
