import fs from "node:fs";
import zlib from "node:zlib";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import JSZip from "jszip";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listAnomalies } from "@/app/api/v1/anomalies/route";
import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { POST as sweepRoute } from "@/app/api/v1/jobs/anomaly-sweep/route";
import { GET as getOrder } from "@/app/api/v1/orders/[reference]/route";
import { POST as confirmRoute } from "@/app/api/v1/payments/[paymentId]/confirm/route";
import { GET as getPaymentRoute } from "@/app/api/v1/payments/[paymentId]/route";
import { GET as listPaymentsRoute } from "@/app/api/v1/payments/route";
import { POST as importRoute } from "@/app/api/v1/statements/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[channel]/[channelAccountId]/route";
import { auditEvents, payments, refunds, statements } from "@/lib/db/schema";
import { sweepPayments } from "@/lib/services/recovery";
import { MAX_STATEMENT_BYTES } from "@/lib/services/statement-body";
import { ALIPAY_SAMPLE, CMB_HEADER, CMB_SAMPLE, ICBC_SAMPLE, alipayBill, alipayRefund, alipayTrade, buildCsv, cmbCredit, toGbk } from "../fixtures/statements/cn-exports";
import { alipayPaymentNotify, generateAlipayKeyPair, signAlipayParams, toFormBody } from "../helpers/alipay-signer";
import { BASE, call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
// JSZip writes whatever bytes this returns as the entry's name (its types say string); Alipay names entries in GBK.
const gbkFileName = ((name: string) => new Uint8Array(iconv.encode(name, "gbk"))) as unknown as (name: string) => string;
type H = Parameters<typeof call>[0];
const FIXTURES = path.resolve(__dirname, "../fixtures/statements");
const file = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

/** POSTs a raw statement body the way a client uploads a file. */
async function upload(apiKey: string, query: Record<string, string>, body: Uint8Array | string, contentType: string | null = "text/plain") {
  const request = new Request(`${BASE}/api/v1/statements?${new URLSearchParams(query)}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, ...(contentType === null ? {} : { "content-type": contentType }) },
    body: typeof body === "string" ? body : Buffer.from(body),
  });
  const res = await (importRoute as unknown as H)(request, { params: Promise.resolve({}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function addAccount(apiKey: string, channel: string, credentials: Record<string, string>) {
  const res = await call(createChannelAccount as unknown as H, { apiKey, body: { channel, name: `${channel} 账户`, credentials } });
  if (res.status !== 201) throw new Error(res.text);
  return res.json.id as string;
}

async function bankMerchant() {
  const m = await merchantWithAlipay();
  const bankId = await addAccount(m.apiKey, "bank", { bankName: "招商银行", accountNo: "755912345610101" });
  return { ...m, bankId };
}

const amountsOf = async (statementId: string) =>
  (await t.db().select({ amount: payments.amount }).from(payments).where(eq(payments.statementId, statementId))).map((p) => p.amount).sort((a, b) => a - b);

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** A bank line's date and time (Beijing) for an instant offset from now: after an order's deadline when it must be. */
const shanghaiStamp = (offsetMs: number) => {
  const iso = new Date(Date.now() + 8 * 3_600_000 + offsetMs).toISOString();
  return { date: iso.slice(0, 10).replaceAll("-", ""), time: iso.slice(11, 19) };
};

describe(`POST /api/v1/statements (${process.env.TEST_DB})`, () => {
  it.each([
    ["camt053/postfinance_camt.053.001.04_CH2909000000250094239.xml", "camt053", "application/xml", [450, 150000, 153700, 169222]],
    ["camt053/stuzza_at_camt.053.001.02_valid_example_stuzza.xml", "auto", "text/xml", [5000, 10000, 25000]],
    ["camt053/ubs_ch_camt.053.001.08_valid_example_v8.xml", "camt053", "application/xml", [47440, 8885]],
    ["camt053/genkgo_camt.053.001.08_fixture.xml", "auto", "application/xml", [885]],
    ["camt054/postfinance_camt.054.001.04_ESR-ASR_batch.xml", "camt054", "application/xml", [25000, 20000, 30000, 32400, 46300]],
    ["camt054/postfinance_camt.054.001.04_credit.xml", "auto", "application/xml", [150000]],
    ["mt940/ing_nl_sepa_ing-4.txt", "mt940", "text/plain", [10520, 33553, 32778]],
    ["mt940/volksbank_de_volksbankenraiffeisenbanken_CRLF.txt", "auto", "text/plain", [6500, 8000, 8000, 5500, 6500, 8000, 5500, 5500, 6500, 5000, 4000, 5500]],
    ["mt940/abnamro_nl_sepa_abnamro2_CRLF.txt", "mt940", "application/octet-stream", [50001]],
    ["mt940/asnbank_nl_swift_blocks_mt940.txt", "auto", "text/plain", [100000, 82872, 100018]],
  ])("%s (%s) imports exactly its credits, and a second import imports nothing", async (name, format, type, amounts) => {
    const m = await bankMerchant();
    const first = await upload(m.apiKey, { channelAccountId: m.bankId, format }, file(name), type);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ imported: amounts.length, duplicates: 0, matched: 0, suggested: 0, unmatched: amounts.length, rejected: [] });
    expect(await amountsOf(first.json.statementId)).toEqual(sorted(amounts));
    const again = await upload(m.apiKey, { channelAccountId: m.bankId, format }, file(name), type);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ imported: 0, duplicates: amounts.length, matched: 0, unmatched: 0 });
    expect(await amountsOf(again.json.statementId)).toEqual([]);
  });

  it("bank payments carry the serial as channelTransactionId, payer and memo; PostFinance's repeated AcctSvcrRef stays two payments", async () => {
    const m = await bankMerchant();
    const res = await upload(m.apiKey, { channelAccountId: m.bankId }, file("camt053/postfinance_camt.053.001.04_CH2909000000250094239.xml"), "application/xml");
    const rows = await t.db().select().from(payments).where(eq(payments.statementId, res.json.statementId));
    const shared = rows.filter((p) => p.channelTransactionId === "07582000303KBMSU").map((p) => p.amount);
    expect(sorted(shared)).toEqual([153700, 169222]);
    expect(rows.every((p) => p.channel === "bank" && p.origin === "statement" && p.currency === "CHF")).toBe(true);
    const [statement] = await t.db().select().from(statements).where(eq(statements.id, res.json.statementId));
    expect(statement).toMatchObject({ format: "camt053", imported: 4, duplicates: 0, channelAccountId: m.bankId });
    const audit = await t.db().select().from(auditEvents).where(and(eq(auditEvents.subjectId, res.json.statementId), eq(auditEvents.action, "statement.imported")));
    expect(audit).toHaveLength(1);
    expect(audit[0].after).toMatchObject({ imported: 4, format: "camt053" });
  });

  it("a batch a camt.053 books as one line and a camt.054 transaction by transaction is recorded once, whichever file comes first", async () => {
    const camt = (message: "053" | "054", entries: string) => `<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${message}.001.04"><${message === "053" ? "BkToCstmrStmt><Stmt" : "BkToCstmrDbtCdtNtfctn><Ntfctn"}>
<Acct><Id><IBAN>CH2909000000250094239</IBAN></Id></Acct>
${entries}
</${message === "053" ? "Stmt></BkToCstmrStmt" : "Ntfctn></BkToCstmrDbtCdtNtfctn"}></Document>`;
    const entry = (amount: string, ref: string, details = "") =>
      `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef><AddtlNtryInf>SAMMELGUTSCHRIFT</AddtlNtryInf>${details}</Ntry>`;
    const tx = (amount: string, ref: string, memo: string) => `<TxDtls><Refs><AcctSvcrRef>${ref}</AcctSvcrRef></Refs><Amt Ccy="EUR">${amount}</Amt><RmtInf><Ustrd>${memo}</Ustrd></RmtInf></TxDtls>`;

    const m = await bankMerchant();
    const orders = [await createOrder(m.apiKey, { amount: 5000, currency: "EUR" }), await createOrder(m.apiKey, { amount: 10370, currency: "EUR" })];
    const details = camt("054", entry("153.70", "BATCH-1", `<NtryDtls>${tx("50.00", "T-1", orders[0].reference)}${tx("103.70", "T-2", orders[1].reference)}</NtryDtls>`));
    const statement = camt("053", entry("153.70", "BATCH-1") + entry("9.99", "OTHER-1"));

    // The notification first: its transactions pay their orders; the statement's total of them is the same money.
    const first = await upload(m.apiKey, { channelAccountId: m.bankId }, details, "application/xml");
    expect(first.json).toMatchObject({ imported: 2, duplicates: 0, matched: 2 });
    const second = await upload(m.apiKey, { channelAccountId: m.bankId }, statement, "application/xml");
    expect(second.json).toMatchObject({ imported: 1, duplicates: 1 });
    expect(await amountsOf(second.json.statementId)).toEqual([999]);
    for (const o of orders) expect((await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: o.reference } })).json.status).toBe("paid");
    // Again, either file: nothing more.
    expect((await upload(m.apiKey, { channelAccountId: m.bankId }, statement, "application/xml")).json).toMatchObject({ imported: 0, duplicates: 2 });
    expect((await upload(m.apiKey, { channelAccountId: m.bankId }, details, "application/xml")).json).toMatchObject({ imported: 0, duplicates: 2 });

    // The statement first: its total stands (a person matches it), the notification's transactions are duplicates.
    const m2 = await bankMerchant();
    expect((await upload(m2.apiKey, { channelAccountId: m2.bankId }, statement, "application/xml")).json).toMatchObject({ imported: 2, duplicates: 0 });
    expect((await upload(m2.apiKey, { channelAccountId: m2.bankId }, details, "application/xml")).json).toMatchObject({ imported: 0, duplicates: 2 });
    const recorded = await t.db().select({ amount: payments.amount }).from(payments).where(eq(payments.channelAccountId, m2.bankId));
    expect(sorted(recorded.map((p) => p.amount))).toEqual([999, 15370]);

    // Both files at once: they take turns, and the batch is still recorded once.
    const m4 = await bankMerchant();
    await Promise.all([
      upload(m4.apiKey, { channelAccountId: m4.bankId }, statement, "application/xml"),
      upload(m4.apiKey, { channelAccountId: m4.bankId }, details, "application/xml"),
    ]);
    const raced = await t.db().select({ amount: payments.amount }).from(payments).where(eq(payments.channelAccountId, m4.bankId));
    expect(raced.reduce((sum, p) => sum + p.amount, 0)).toBe(15370 + 999);

    // Another day's or another amount's batch under the same serial is other money (PostFinance repeats AcctSvcrRef).
    const m3 = await bankMerchant();
    await upload(m3.apiKey, { channelAccountId: m3.bankId }, statement.replace("153.70", "153.71"), "application/xml");
    expect((await upload(m3.apiKey, { channelAccountId: m3.bankId }, details, "application/xml")).json).toMatchObject({ imported: 2, duplicates: 0 });
    const real = await bankMerchant();
    await upload(real.apiKey, { channelAccountId: real.bankId }, file("camt053/postfinance_camt.053.001.04_CH2909000000250094239.xml"), "application/xml");
    const esr = await upload(real.apiKey, { channelAccountId: real.bankId }, file("camt054/postfinance_camt.054.001.04_ESR-ASR_batch.xml"), "application/xml");
    expect(esr.json).toMatchObject({ imported: 5, duplicates: 0 });
  });

  it("GBK CMB and ICBC exports import their credits and list the bad rows", async () => {
    const m = await bankMerchant();
    const cmb = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(CMB_SAMPLE), "text/csv");
    expect(cmb.status).toBe(200);
    // Its debit (rent paid out) is read and counted, not recorded: every line of the file is accounted for.
    expect(cmb.json).toMatchObject({ imported: 2, duplicates: 0, skipped: 1, rejected: [{ line: 8, message: expect.stringContaining("20241301") }] });
    expect(await amountsOf(cmb.json.statementId)).toEqual([123456, 880000]);
    const icbc = await upload(m.apiKey, { channelAccountId: m.bankId, format: "auto" }, toGbk(ICBC_SAMPLE), "text/csv; charset=gbk");
    expect(icbc.json).toMatchObject({ format: "icbc-csv", imported: 2, rejected: [{ line: 5 }] });
    expect(await amountsOf(icbc.json.statementId)).toEqual([50, 1280000]);
    const again = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(CMB_SAMPLE), "text/csv");
    expect(again.json).toMatchObject({ imported: 0, duplicates: 2, skipped: 1 });
  });

  it("a bank memo with the checkout reference typed lower case in groups (货款ld7k 2m9q x4) matches that order", async () => {
    const m = await bankMerchant();
    const order = await createOrder(m.apiKey, { amount: 880000, channel: "bank" });
    const typed = (order.reference as string).toLowerCase().replace(/(.{4})(?=.)/g, "$1 ");
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: "20240501", time: "10:23:45", credit: "8,800.00", serial: "K9000000001", memo: `货款${typed}`, payer: "张三贸易有限公司", account: "6225880123456789" }),
      cmbCredit({ date: "20240501", time: "10:30:00", credit: "1.00", serial: "K9000000002", memo: "无参考号", payer: "李四", account: "6225880123456780" }),
    ]);
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(csv), "text/csv");
    expect(res.json).toMatchObject({ imported: 2, matched: 1, unmatched: 1, suggested: 0 });
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } });
    expect(after.json).toMatchObject({ status: "paid", paidAmount: 880000 });
    expect(after.json.payments).toEqual([expect.objectContaining({ channel: "bank", channelTransactionId: "K9000000001", matchMethod: "reference_in_memo" })]);
  });

  it("a memo reference with one character left out, or one typed twice, still finds its order", async () => {
    const m = await bankMerchant();
    const a = await createOrder(m.apiKey, { amount: 23000, channel: "bank", customer: { name: "孙丽" } });
    const b = await createOrder(m.apiKey, { amount: 31000, channel: "bank", customer: { name: "周杰" } });
    const left = `${a.reference.slice(0, 3)}${a.reference.slice(4)}`;
    const doubled = `${b.reference.slice(0, 5)}${b.reference[5]}${b.reference.slice(5)}`;
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: "20240503", time: "11:00:00", credit: "230.00", serial: "K9300000001", memo: `货款 ${left}`, payer: "孙丽", account: "6225880123456722" }),
      cmbCredit({ date: "20240503", time: "11:05:00", credit: "310.00", serial: "K9300000002", memo: `${doubled.toLowerCase()} 订单付款`, payer: "周杰", account: "6225880123456733" }),
    ]);
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(csv), "text/csv");
    expect(res.json).toMatchObject({ imported: 2, matched: 2 });
    for (const [order, serial] of [[a, "K9300000001"], [b, "K9300000002"]] as const) {
      const view = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } });
      expect(view.json.status).toBe("paid");
      expect(view.json.payments).toEqual([expect.objectContaining({ channelTransactionId: serial, matchMethod: "typo_reference" })]);
    }
  });

  it("a transfer without reference booked weeks before its order was created here still finds it, saying so", async () => {
    const m = await bankMerchant();
    const order = await createOrder(m.apiKey, { amount: 15900, channel: "bank", customer: { name: "王秀英" } });
    await createOrder(m.apiKey, { amount: 15900, channel: "bank", customer: { name: "李四" } });
    const shanghaiDay = (msAgo: number) => shanghaiStamp(-msAgo).date;
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ date: shanghaiDay(21 * 86_400_000), time: "10:23:45", credit: "159.00", serial: "K9100000001", memo: "货款", payer: "王秀英", account: "6225880123456711" }),
      // Older than a year before the order: not this order's money, whatever the name.
      cmbCredit({ date: shanghaiDay(400 * 86_400_000), time: "09:00:00", credit: "159.00", serial: "K9100000002", memo: "货款", payer: "王秀英", account: "6225880123456711" }),
    ]);
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(csv), "text/csv");
    expect(res.json).toMatchObject({ imported: 2, matched: 1, unmatched: 1 });
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } });
    expect(after.json).toMatchObject({ status: "paid", paidAmount: 15900 });
    expect(after.json.payments).toEqual([expect.objectContaining({ channelTransactionId: "K9100000001", matchMethod: "amount_payer" })]);
    const [matched] = await t.db().select().from(payments).where(and(eq(payments.merchantId, m.merchantId), eq(payments.channelTransactionId, "K9100000001")));
    expect(matched.explanation?.en).toMatch(/the money arrived 2\d days before the order was created/);
  });

  it("a late transfer without reference for an order that expired unpaid is suggested, and confirming it pays the order", async () => {
    const m = await bankMerchant();
    const expired = await createOrder(m.apiKey, { amount: 15900, channel: "bank", customer: { name: "王秀英" }, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    // Someone else's expired order of the same amount is not suggested on the amount alone.
    await createOrder(m.apiKey, { amount: 15900, channel: "bank", customer: { name: "李四" }, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await sweepPayments(t.db(), new Date(Date.now() + 120_000))).closed).toBe(2);
    // Booked after the sweep closed the orders, whatever the time of day (a fixed "23:10 today" was not, from 15:09 UTC).
    const csv = buildCsv(CMB_HEADER, [
      cmbCredit({ ...shanghaiStamp(10 * 60_000), credit: "159.00", serial: "K9200000001", memo: "货款", payer: "王秀英", account: "6225880123456712" }),
    ]);
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(csv), "text/csv");
    expect(res.json).toMatchObject({ imported: 1, matched: 0, suggested: 1 });
    const [late] = await t.db().select().from(payments).where(and(eq(payments.merchantId, m.merchantId), eq(payments.channelTransactionId, "K9200000001")));
    expect(late.suggestions).toEqual([expect.objectContaining({ references: [expired.reference], method: "amount_payer" })]);
    expect(late.suggestions[0].explanation.en).toContain("closed before it was paid");
    // The API says which suggested orders are closed now: confirming one reopens it, which the workbench asks about.
    const viewed = await call(getPaymentRoute as unknown as H, { method: "GET", apiKey: m.apiKey, params: { paymentId: late.id } });
    expect(viewed.json.suggestions[0].orders).toEqual([{ reference: expired.reference, status: "closed" }]);
    const listed = await call(listPaymentsRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/payments?status=suggested" });
    expect(listed.json.data[0].suggestions[0].orders).toEqual([{ reference: expired.reference, status: "closed" }]);
    const confirmed = await call(confirmRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: late.id }, body: {} });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ status: "matched", allocations: [{ reference: expired.reference, amount: 15900 }] });
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: expired.reference } });
    expect(after.json).toMatchObject({ status: "paid", paidAmount: 15900 });
  });

  it("a transfer naming an expired (closed) order's reference pays it, and the late payment is flagged", async () => {
    const m = await bankMerchant();
    const expired = await createOrder(m.apiKey, { amount: 25900, channel: "bank", customer: { name: "周杰" }, expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await sweepPayments(t.db(), new Date(Date.now() + 120_000))).closed).toBe(1);
    // Booked after the order closed, whatever the time of day: a fixed "23:55 today" came before the deadline from 15:54
    // to 16:00 UTC, and CI failed there.
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(buildCsv(CMB_HEADER, [
      cmbCredit({ ...shanghaiStamp(10 * 60_000), credit: "259.00", serial: "K9500000001", memo: `货款 ${expired.reference}`, payer: "周杰", account: "6225880123456713" }),
    ])), "text/csv");
    expect(res.json).toMatchObject({ imported: 1, matched: 1 });
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: expired.reference } });
    expect(after.json).toMatchObject({ status: "paid", paidAmount: 25900 });
    expect((await call(sweepRoute as unknown as H, { apiKey: m.apiKey })).status).toBe(200);
    const anomalies = await call(listAnomalies as unknown as H, { method: "GET", apiKey: m.apiKey, path: "/api/v1/anomalies" });
    expect(anomalies.json.data).toEqual([expect.objectContaining({ kind: "late_payment" })]);
  });

  it("a channel's payout to the bank account is left unmatched, its explanation naming the payment institution and the payout", async () => {
    const m = await bankMerchant();
    await createOrder(m.apiKey, { amount: 1234567, channel: "bank", customer: { name: "王秀英" } });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "");
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(buildCsv(CMB_HEADER, [
      cmbCredit({ date: today, time: "08:00:00", credit: "12,345.67", serial: "K9600000001", memo: "微信支付结算", payer: "财付通支付科技有限公司", account: "1234567890" }),
    ])), "text/csv");
    expect(res.json).toMatchObject({ imported: 1, matched: 0 });
    const [payout] = await t.db().select().from(payments).where(and(eq(payments.merchantId, m.merchantId), eq(payments.channelTransactionId, "K9600000001")));
    expect(payout.explanation?.en).toContain(`the payer 财付通支付科技有限公司 is a payment institution and the memo says "结算": a channel's payout`);
  });

  it("a repeat customer's transfer without reference pays their open order although last month's order of the amount is paid", async () => {
    const m = await bankMerchant();
    const lastMonth = await createOrder(m.apiKey, { amount: 128800, channel: "bank", customer: { name: "恒达贸易" } });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "");
    const paid = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(buildCsv(CMB_HEADER, [
      cmbCredit({ date: today, time: "00:00:01", credit: "1,288.00", serial: "K9300000001", memo: `货款 ${lastMonth.reference}`, payer: "上海恒达贸易有限公司", account: "755900001111" }),
    ])), "text/csv");
    expect(paid.json).toMatchObject({ matched: 1 });
    // That order was placed (and paid) a month ago.
    await t.db().execute(sql`update orders set created_at = created_at - interval '30 days' where reference = ${lastMonth.reference}`);
    const current = await createOrder(m.apiKey, { amount: 128800, channel: "bank", customer: { name: "恒达贸易" } });
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(buildCsv(CMB_HEADER, [
      cmbCredit({ date: today, time: "23:50:00", credit: "1,288.00", serial: "K9300000002", memo: "货款", payer: "上海恒达贸易有限公司", account: "755900001111" }),
    ])), "text/csv");
    expect(res.json).toMatchObject({ imported: 1, matched: 1 });
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: current.reference } });
    expect(after.json).toMatchObject({ status: "paid", paidAmount: 128800 });
    expect(after.json.payments).toEqual([expect.objectContaining({ channelTransactionId: "K9300000002", matchMethod: "amount_payer" })]);
  });

  it("a deposit without reference is suggested as a part payment of its payer's order, the balance with a bit too much as an overpayment", async () => {
    const m = await bankMerchant();
    const order = await createOrder(m.apiKey, { amount: 159000, channel: "bank", customer: { name: "禾木家居" } });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "");
    const res = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(buildCsv(CMB_HEADER, [
      cmbCredit({ date: today, time: "23:40:00", credit: "500.00", serial: "K9400000001", memo: "定金", payer: "杭州禾木家居有限公司", account: "571900002222" }),
    ])), "text/csv");
    expect(res.json).toMatchObject({ imported: 1, matched: 0, suggested: 1 });
    const [deposit] = await t.db().select().from(payments).where(and(eq(payments.merchantId, m.merchantId), eq(payments.channelTransactionId, "K9400000001")));
    expect(deposit.suggestions).toEqual([
      expect.objectContaining({ references: [order.reference], method: "amount_payer_partial", allocations: [{ reference: order.reference, amount: 50000 }] }),
    ]);
    const confirmed = await call(confirmRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: deposit.id }, body: {} });
    expect(confirmed.json).toMatchObject({ status: "matched", allocations: [{ reference: order.reference, amount: 50000 }] });
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } });
    expect(after.json).toMatchObject({ status: "partially_paid", paidAmount: 50000 });

    // The balance, with 10.00 too much: suggested for the open 1,090.00, the rest left on the payment.
    const balance = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(buildCsv(CMB_HEADER, [
      cmbCredit({ date: today, time: "23:45:00", credit: "1,100.00", serial: "K9400000002", memo: "尾款", payer: "杭州禾木家居有限公司", account: "571900002222" }),
    ])), "text/csv");
    expect(balance.json).toMatchObject({ imported: 1, matched: 0, suggested: 1 });
    const [rest] = await t.db().select().from(payments).where(and(eq(payments.merchantId, m.merchantId), eq(payments.channelTransactionId, "K9400000002")));
    expect(rest.suggestions).toEqual([expect.objectContaining({ method: "amount_payer_over", allocations: [{ reference: order.reference, amount: 109000 }] })]);
    const settled = await call(confirmRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: rest.id }, body: {} });
    expect(settled.json).toMatchObject({ status: "partially_matched", allocations: [{ reference: order.reference, amount: 109000 }] });
    const paid = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } });
    expect(paid.json).toMatchObject({ status: "paid", paidAmount: 159000 });
  });

  it("the real WeChat Pay bill imports 3 payments of 1 fen on a wechatpay account, with 微信订单号 and 商户订单号", async () => {
    const m = await merchantWithAlipay();
    const wx = await addAccount(m.apiKey, "wechatpay", {
      mchId: "1601959334",
      apiV3Key: "0123456789abcdef0123456789abcdef",
      platformPublicKey: generateAlipayKeyPair().publicKeyPem,
      platformPublicKeyId: "PUB_KEY_ID_0116019593342021012800000000000001",
    });
    const bill = file("wechatpay-bill/wechatpay_v3_tradebill_ALL_20210128.csv");
    const res = await upload(m.apiKey, { channelAccountId: wx, format: "wechat-bill" }, bill, "text/csv");
    expect(res.json).toMatchObject({ imported: 3, duplicates: 0, unmatched: 3 });
    const rows = await t.db().select().from(payments).where(eq(payments.statementId, res.json.statementId));
    expect(rows.map((p) => [p.channelTransactionId, p.reference, p.amount, p.channel, p.origin]).sort()).toEqual([
      ["4200000910202101282955148400", "S20210128153505214586", 1, "wechatpay", "bill"],
      ["4200000925202101284997714292", "S20210128170702357723", 1, "wechatpay", "bill"],
      ["4200000926202101281412639609", "S20210128165824499930", 1, "wechatpay", "bill"],
    ]);
    expect(rows.every((p) => p.confirmedByBillAt !== null)).toBe(true);
    expect((await upload(m.apiKey, { channelAccountId: wx }, bill, "text/csv")).json).toMatchObject({ imported: 0, duplicates: 3 });
  });

  it("an Alipay notify then the T+1 bill with the same trade no is ONE payment, confirmed by the bill; its refund row is recorded once", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 12800 });
    const tradeNo = "2024050122001468450512505578";
    const notify = signAlipayParams(
      alipayPaymentNotify({ outTradeNo: order.reference, appId: m.appId, totalAmount: "128.00", tradeNo, gmtPayment: "2024-05-01 10:00:09" }),
      m.keys.privateKeyPem,
    );
    const posted = await call(webhookRoute as unknown as H, {
      params: { channel: "alipay", channelAccountId: m.accountId },
      rawBody: toFormBody(notify),
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    });
    expect(posted.text).toBe("success");
    const bill = alipayBill([
      alipayTrade({ tradeNo, outTradeNo: order.reference, amount: "128.00", created: "2024-05-01 10:00:01", finished: "2024-05-01 10:00:09" }),
      alipayTrade({ tradeNo: "2024050122001468450512505599", outTradeNo: "OTHER-1", amount: "88.00", created: "2024-05-01 12:30:00", finished: "2024-05-01 12:30:05" }),
      alipayRefund({ tradeNo, outTradeNo: order.reference, amount: "20.00", finished: "2024-05-01 18:00:00", batchNo: "RF20240501001" }),
      alipayRefund({ tradeNo: "2024050122001468450500000000", outTradeNo: "NOPE", amount: "1.00", finished: "2024-05-01 18:00:00", batchNo: "RF2" }),
    ]);
    const res = await upload(m.apiKey, { channelAccountId: m.accountId, format: "alipay-bill" }, toGbk(bill), "text/csv");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ imported: 1, duplicates: 1, confirmed: 1, refunds: 1, unmatched: 1 });
    expect(res.json.rejected).toEqual([{ line: 9, message: expect.stringContaining("2024050122001468450500000000") }]);
    const same = await t.db().select().from(payments).where(and(eq(payments.channelAccountId, m.accountId), eq(payments.channelTransactionId, tradeNo)));
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ origin: "notify", amount: 12800, refundedAmount: 2000, status: "matched" });
    expect(same[0].confirmedByBillAt).not.toBeNull();
    expect(same[0].confirmedByStatementId).toBe(res.json.statementId);
    expect(same[0].details).toMatchObject({ billAmount: 12800 });
    // Listed under the bill: the payment it confirmed and the one only it carried.
    const listed = await call(listPaymentsRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?statementId=${res.json.statementId}` });
    expect((listed.json.data as { channelTransactionId: string }[]).map((p) => p.channelTransactionId).sort()).toEqual(["2024050122001468450512505599", tradeNo].sort());
    expect(same[0].details.billMismatch).toBeUndefined();
    const after = await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } });
    expect(after.json).toMatchObject({ status: "partially_refunded", refundedAmount: 2000 });

    const again = await upload(m.apiKey, { channelAccountId: m.accountId }, toGbk(bill), "text/csv");
    expect(again.json).toMatchObject({ format: "alipay-bill", imported: 0, duplicates: 2, confirmed: 0, refunds: 0 });
    // The repeat confirmed nothing new: the payment stays with the bill that confirmed it first.
    const [kept] = await t.db().select().from(payments).where(eq(payments.id, same[0].id));
    expect(kept.confirmedByStatementId).toBe(res.json.statementId);
    expect(await t.db().select().from(refunds).where(eq(refunds.paymentId, same[0].id))).toHaveLength(1);
  });

  it("a bill's trade settled in bulk takes its refunds from the same file; a refund beyond what is left of it is refused and listed", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 12800, channel: "alipay" });
    const tradeNo = "2024050222001468450512505777";
    const bill = alipayBill([
      alipayTrade({ tradeNo, outTradeNo: order.reference, amount: "128.00", created: "2024-05-01 12:00:00", finished: "2024-05-01 12:00:05" }),
      alipayRefund({ tradeNo, outTradeNo: order.reference, amount: "28.00", finished: "2024-05-01 15:00:00", batchNo: "RF-1" }),
      alipayRefund({ tradeNo, outTradeNo: order.reference, amount: "120.00", finished: "2024-05-01 16:00:00", batchNo: "RF-2" }),
    ]);
    const res = await upload(m.apiKey, { channelAccountId: m.accountId }, toGbk(bill), "text/csv");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ format: "alipay-bill", imported: 1, matched: 1, refunds: 1, rejectedCount: 1 });
    expect(res.json.rejected[0].message).toMatch(/refund/i);
    const [payment] = await t.db().select().from(payments).where(eq(payments.channelTransactionId, tradeNo));
    expect(payment).toMatchObject({ status: "matched", amount: 12800, allocatedAmount: 12800, refundedAmount: 2800 });
    const bulk = await t.db().select().from(auditEvents).where(and(eq(auditEvents.subjectId, res.json.statementId), eq(auditEvents.action, "statement.bulk_matched")));
    expect(bulk.map((e) => e.after)).toEqual([expect.objectContaining({ payments: 1, amount: 12800 })]);
    const view = (await call(getOrder as unknown as H, { method: "GET", apiKey: m.apiKey, params: { reference: order.reference } })).json;
    expect(view).toMatchObject({ status: "partially_refunded", paidAmount: 12800, refundedAmount: 2800 });
    expect(await t.db().select().from(refunds).where(eq(refunds.paymentId, payment.id))).toHaveLength(1);

    // The same file again records nothing more.
    const again = await upload(m.apiKey, { channelAccountId: m.accountId }, toGbk(bill), "text/csv");
    expect(again.json).toMatchObject({ imported: 0, duplicates: 1, refunds: 0 });
    expect(await t.db().select().from(refunds).where(eq(refunds.paymentId, payment.id))).toHaveLength(1);
  });

  it("a bill amount that differs from the notify is flagged as billMismatch on the payment", async () => {
    const m = await merchantWithAlipay();
    const order = await createOrder(m.apiKey, { amount: 12800 });
    const tradeNo = "2024050222001468450512505001";
    const notify = signAlipayParams(alipayPaymentNotify({ outTradeNo: order.reference, appId: m.appId, totalAmount: "128.00", tradeNo }), m.keys.privateKeyPem);
    await call(webhookRoute as unknown as H, {
      params: { channel: "alipay", channelAccountId: m.accountId },
      rawBody: toFormBody(notify),
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    });
    const bill = alipayBill([alipayTrade({ tradeNo, outTradeNo: order.reference, amount: "127.00", created: "2024-03-01 12:00:00", finished: "2024-03-01 12:00:05" })]);
    const res = await upload(m.apiKey, { channelAccountId: m.accountId }, toGbk(bill), "text/csv");
    expect(res.json).toMatchObject({ imported: 0, confirmed: 1 });
    const [p] = await t.db().select().from(payments).where(eq(payments.channelTransactionId, tradeNo));
    expect(p.details.billMismatch).toEqual({ billAmount: 12700, recordedAmount: 12800, difference: -100 });
  });

  it("the Alipay sample fixture imports on an alipay account", async () => {
    const m = await merchantWithAlipay();
    const res = await upload(m.apiKey, { channelAccountId: m.accountId }, toGbk(ALIPAY_SAMPLE), "text/csv");
    expect(res.json).toMatchObject({ format: "alipay-bill", imported: 2, refunds: 1, rejected: [{ line: 9 }] });
    expect(await amountsOf(res.json.statementId)).toEqual([8800, 12800]);
  });

  it("an Alipay bill download as it comes (a zip of 业务明细 and its 汇总, GBK names) and a gzipped bill import like the CSV inside", async () => {
    const archive = new JSZip();
    archive.file("20881234567890120241125_业务明细.csv", toGbk(ALIPAY_SAMPLE));
    archive.file("20881234567890120241125_业务明细(汇总).csv", toGbk("#支付宝业务明细汇总\n"));
    const zipped = await archive.generateAsync({ type: "uint8array", compression: "DEFLATE", encodeFileName: gbkFileName });
    const m = await merchantWithAlipay();
    const res = await upload(m.apiKey, { channelAccountId: m.accountId }, zipped, "application/x-zip-compressed");
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ format: "alipay-bill", imported: 2, refunds: 1, rejected: [{ line: 9 }] });
    expect(await amountsOf(res.json.statementId)).toEqual([8800, 12800]);
    // The same bill again, gzipped: the same lines, nothing new.
    const again = await upload(m.apiKey, { channelAccountId: m.accountId }, new Uint8Array(zlib.gzipSync(toGbk(ALIPAY_SAMPLE))), "application/gzip");
    expect(again.json).toMatchObject({ format: "alipay-bill", imported: 0, duplicates: 2 });

    const two = new JSZip();
    two.file("a.csv", "x");
    two.file("b.csv", "y");
    const several = await upload(m.apiKey, { channelAccountId: m.accountId }, await two.generateAsync({ type: "uint8array" }), "application/zip");
    expect(several.status).toBe(400);
    expect(several.json.error).toMatchObject({ code: "invalid_statement", message: expect.stringContaining("a.csv, b.csv") });
    const bomb = new JSZip();
    bomb.file("big.csv", new Uint8Array(MAX_STATEMENT_BYTES + 1));
    const exploded = await upload(m.apiKey, { channelAccountId: m.accountId }, await bomb.generateAsync({ type: "uint8array", compression: "DEFLATE" }), "application/zip");
    expect(exploded.status).toBe(413);
  });

  it("a bank's Excel export (.xlsx) imports like its CSV: preamble, numbers and date cells read as the bank wrote them", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("交易明细");
    sheet.addRow(["账号：755912345610101"]);
    sheet.addRow(["币种：人民币"]);
    sheet.addRow([]);
    sheet.addRow([...CMB_HEADER]);
    const row = (r: ReturnType<typeof cmbCredit>, date: Date | string, credit: number) =>
      sheet.addRow(CMB_HEADER.map((h) => (h === "交易日期" ? date : h === "贷方金额" ? credit : ((r as Record<string, string>)[h] ?? null))));
    row(cmbCredit({ date: "", time: "10:23:45", credit: "", serial: "K1234567890", memo: "货款P7K2M9QX4D", payer: "张三贸易有限公司", account: "6225880123456789" }), new Date(Date.UTC(2024, 4, 1)), 8800);
    row(cmbCredit({ date: "", time: "09:15:10", credit: "", serial: "K1234567892", memo: "订单 ld7k 2m9q x4, 谢谢", payer: "李四", account: "6217 0000 0000 0002" }), "20240502", 1234.56);
    const xlsx = new Uint8Array(await book.xlsx.writeBuffer());

    const m = await bankMerchant();
    const res = await upload(m.apiKey, { channelAccountId: m.bankId }, xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ format: "cmb-csv", imported: 2, rejected: [] });
    expect(await amountsOf(res.json.statementId)).toEqual([123456, 880000]);
    // The bank's CSV of the same days finds the same lines.
    const csv = await upload(m.apiKey, { channelAccountId: m.bankId, format: "cmb-csv" }, toGbk(CMB_SAMPLE), "text/csv");
    expect(csv.json).toMatchObject({ imported: 0, duplicates: 2 });

    const xls = await upload(m.apiKey, { channelAccountId: m.bankId }, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), "application/vnd.ms-excel");
    expect(xls.status).toBe(400);
    expect(xls.json.error.message).toMatch(/save it as \.xlsx or CSV/);
  });

  it("two transfers of one day and amount whose serials Excel saved as numbers (rounded alike) are both recorded", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("交易明细");
    sheet.addRow([...CMB_HEADER]);
    const row = (serial: number, payer: string, memo: string) =>
      sheet.addRow(CMB_HEADER.map((h) => {
        const r = cmbCredit({ date: "20240503", time: "10:00:00", credit: "99.00", serial: "x", memo, payer, account: "6225880100000011" }) as Record<string, string>;
        return h === "流水号" ? serial : h === "贷方金额" ? 99 : (r[h] ?? null);
      }));
    // 19-digit serials typed into a General column: Excel keeps 15 digits, both read 2026050300000000000.
    row(2026050300000000123, "王五", "货款 A");
    row(2026050300000000124, "赵六", "货款 B");
    const xlsx = new Uint8Array(await book.xlsx.writeBuffer());
    const m = await bankMerchant();
    const res = await upload(m.apiKey, { channelAccountId: m.bankId }, xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ imported: 2, duplicates: 0, rejected: [] });
    // The same workbook again finds both: keyed on their content, as lines without a serial are.
    const again = await upload(m.apiKey, { channelAccountId: m.bankId }, xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(again.json).toMatchObject({ imported: 0, duplicates: 2 });
  });

  it("malformed input gets a 400 or per-line rejections, never a 500", async () => {
    const m = await bankMerchant();
    const q = { channelAccountId: m.bankId };
    const notXml = await upload(m.apiKey, { ...q, format: "camt053" }, "this is not xml", "application/xml");
    expect(notXml.status).toBe(400);
    expect(notXml.json.error.message).toMatch(/camt053/);
    const unknown = await upload(m.apiKey, q, new Uint8Array([0x00, 0xff, 0x13, 0x37]), "application/octet-stream");
    expect(unknown.status).toBe(400);
    const xxe = await upload(m.apiKey, q, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Document><BkToCstmrStmt/></Document>`, "text/xml");
    expect(xxe.status).toBe(400);
    const badLines = await upload(m.apiKey, { ...q, format: "mt940" }, ":20:X\n:25:Y\n:60F:C240101EUR1,00\n:61:garbage\n:61:240102C1,00NTRFNONREF//OK\n-", "text/plain");
    expect(badLines.status).toBe(200);
    expect(badLines.json).toMatchObject({ imported: 1, rejected: [{ line: 4 }] });
    const empty = await upload(m.apiKey, q, "", "text/plain");
    expect(empty.status).toBe(400);
  });

  it("a file sent with no content type, or with the type Windows gives .csv files, is still a file", async () => {
    const m = await bankMerchant();
    const line = (serial: string) => cmbCredit({ date: "20240502", time: "09:00:00", credit: "12.00", serial, memo: "货款", payer: "赵六", account: "6225880123456700" });
    const bare = new Request(`${BASE}/api/v1/statements?channelAccountId=${m.bankId}&format=cmb-csv`, {
      method: "POST",
      headers: { authorization: `Bearer ${m.apiKey}` },
      body: Buffer.from(toGbk(buildCsv(CMB_HEADER, [line("K9200000001")]))),
    });
    expect(bare.headers.get("content-type")).toBeNull();
    const res = await (importRoute as unknown as H)(bare, { params: Promise.resolve({}) });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ imported: 1 });
    const excel = await upload(m.apiKey, { channelAccountId: m.bankId }, toGbk(buildCsv(CMB_HEADER, [line("K9200000002")])), "application/vnd.ms-excel");
    expect(excel).toMatchObject({ status: 200, json: { format: "cmb-csv", imported: 1 } });
  });

  it("checks the query, the content type, the size and the account", async () => {
    const m = await bankMerchant();
    const other = await bankMerchant();
    const body = file("camt053/genkgo_camt.053.001.08_fixture.xml");
    const missing = await upload(m.apiKey, {}, body, "application/xml");
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain("channelAccountId");
    const badFormat = await upload(m.apiKey, { channelAccountId: m.bankId, format: "pdf" }, body, "application/xml");
    expect(badFormat.status).toBe(400);
    expect(badFormat.json.error.message).toContain("format");
    expect((await upload(m.apiKey, { channelAccountId: m.bankId }, body, "application/json")).status).toBe(415);
    expect((await upload(m.apiKey, { channelAccountId: m.bankId }, body, "multipart/form-data; boundary=x")).status).toBe(415);
    expect((await upload(m.apiKey, { channelAccountId: other.bankId }, body, "application/xml")).status).toBe(404);
    const wrongChannel = await upload(m.apiKey, { channelAccountId: m.accountId }, body, "application/xml");
    expect(wrongChannel.status).toBe(400);
    expect(wrongChannel.json.error.message).toContain("bank");
    const alipayOnBank = await upload(m.apiKey, { channelAccountId: m.bankId, format: "alipay-bill" }, toGbk(ALIPAY_SAMPLE), "text/csv");
    expect(alipayOnBank.status).toBe(400);
    const tooBig = await upload(m.apiKey, { channelAccountId: m.bankId }, new Uint8Array(MAX_STATEMENT_BYTES + 1).fill(0x41), "text/plain");
    expect(tooBig.status).toBe(413);
    // Alipay's 账务明细 instead of its 业务明细: refused, saying which to upload, and nothing recorded.
    const account = "#支付宝账务明细查询\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）\n";
    const wrongBill = await upload(m.apiKey, { channelAccountId: m.accountId }, toGbk(account), "text/csv");
    expect(wrongBill.status).toBe(400);
    expect(wrongBill.json.error).toMatchObject({ code: "invalid_statement", message: expect.stringContaining("upload the business statement (业务明细)") });
  });
});
