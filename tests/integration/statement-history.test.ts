// GET /api/v1/statements: the merchant's imports, newest first, with what became of each file's lines and who imported it.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as importRoute } from "@/app/api/v1/statements/route";
import { payments } from "@/lib/db/schema";
import { POST as matchRoute } from "@/app/api/v1/payments/[paymentId]/match/route";
import { POST as unmatchRoute } from "@/app/api/v1/payments/[paymentId]/unmatch/route";
import { GET as paymentsRoute } from "@/app/api/v1/payments/route";
import { GET as oneRoute } from "@/app/api/v1/statements/[statementId]/route";
import { GET as listRoute } from "@/app/api/v1/statements/route";
import { CMB_HEADER, CMB_SAMPLE, alipayBill, alipayTrade, buildCsv, cmbCredit, toGbk } from "../fixtures/statements/cn-exports";
import { BASE, bankMerchant, call, createOrder, importCmbStatement, merchantWithAlipay, payWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
type Entry = {
  id: string;
  createdAt: string;
  channelAccount: { id: string; name: string; channel: string } | null;
  format: string;
  lineCount: number;
  imported: number;
  duplicates: number;
  skipped: number;
  rejected: number;
  pending: number;
  importedBy: { type: string; label: string | null } | null;
};

let m: Awaited<ReturnType<typeof bankMerchant>>;
let other: Awaited<ReturnType<typeof bankMerchant>>;
const list = (query = "", apiKey = m.apiKey) => call(listRoute as unknown as H, { method: "GET", apiKey, path: `/api/v1/statements${query}` });

beforeAll(async () => {
  m = await bankMerchant();
  other = await bankMerchant();
  // The bank's sample (two credits, a debit, a row it cannot read), the same file again, then a new one.
  expect((await importCmbStatement(m.apiKey, m.bankId, CMB_SAMPLE)).status).toBe(200);
  expect((await importCmbStatement(m.apiKey, m.bankId, CMB_SAMPLE)).status).toBe(200);
  const fresh = buildCsv(CMB_HEADER, [cmbCredit({ date: "20240502", time: "09:00:00", credit: "12.00", serial: "H1", memo: "货款", payer: "李四", account: "6225880100000003" })]);
  expect((await importCmbStatement(m.apiKey, m.bankId, fresh)).status).toBe(200);
});

describe(`statement import history (${process.env.TEST_DB})`, () => {
  it("lists each import newest first: account, format, lines imported, duplicates and rejected, and who imported it", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    const data = res.json.data as Entry[];
    expect(data).toHaveLength(3);
    expect(data.map((e) => [e.imported, e.duplicates])).toEqual([
      [1, 0],
      [0, 2],
      [2, 0],
    ]);
    // What is left to handle of each file: its unmatched lines (the repeat recorded none).
    expect(data.map((e) => e.pending)).toEqual([1, 0, 2]);
    const first = data[2];
    expect(first).toMatchObject({
      kind: "statement",
      channelAccount: { id: m.bankId, name: "招商银行", channel: "bank" },
      format: "cmb-csv",
      lineCount: 4,
      // 2 imported + 1 debit skipped + 1 rejected: every line accounted for.
      skipped: 1,
      rejected: 1,
      importedBy: { type: "api_key", label: expect.stringMatching(/…\)$/) },
    });
    expect(Date.parse(data[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(data[2].createdAt));
    expect(res.json.nextCursor).toBeNull();
    // Another merchant's imports never show.
    expect((await list("", other.apiKey)).json).toEqual({ data: [], nextCursor: null });
  });

  it("GET /api/v1/statements/{id} answers one import as the list shows it; another merchant's or no import is a 404", async () => {
    const data = (await list()).json.data as Entry[];
    const one = (statementId: string, apiKey = m.apiKey) => call(oneRoute as unknown as H, { method: "GET", apiKey, params: { statementId } });
    for (const entry of data) expect((await one(entry.id)).json).toEqual(entry);
    for (const [id, key] of [[data[0].id, other.apiKey], ["not-an-id", m.apiKey], ["00000000-0000-4000-8000-000000000000", m.apiKey]]) {
      const res = await one(id, key);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
  });

  it("pages by cursor without gaps or repeats", async () => {
    const all = ((await list()).json.data as Entry[]).map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Entry[]; nextCursor: string | null } = (await list(`?limit=1${cursor ? `&cursor=${cursor}` : ""}`)).json;
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it.each([
    ["?cursor=abc", "cursor"],
    ["?limit=0", "limit"],
  ])("%s is a 400 naming %s", async (query, field) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(field);
  });
});

describe(`an import's payments (${process.env.TEST_DB})`, () => {
  type Row = { paymentId: string; channelTransactionId: string; amount: number };
  const paymentsOf = (query: string, apiKey = m.apiKey) => call(paymentsRoute as unknown as H, { method: "GET", apiKey, path: `/api/v1/payments${query}` });
  const imports = async () => ((await list()).json.data as Entry[]).reverse();

  it("GET /api/v1/payments?statementId= lists the payments that file recorded, and no other file's", async () => {
    const [first, again, fresh] = await imports();
    const serials = async (id: string, extra = "") =>
      ((await paymentsOf(`?statementId=${id}${extra}`)).json.data as Row[]).map((p) => p.channelTransactionId).sort();
    expect(await serials(first.id)).toEqual(["K1234567890", "K1234567892"]);
    // The same file again recorded nothing: its lines were the first file's payments.
    expect(await serials(again.id)).toEqual([]);
    expect(await serials(fresh.id)).toEqual(["H1"]);
    // With the contract's other filters.
    expect(await serials(first.id, "&status=unmatched&channel=bank")).toEqual(
      ((await paymentsOf(`?statementId=${first.id}`)).json.data as (Row & { status: string })[]).filter((p) => p.status === "unmatched").map((p) => p.channelTransactionId).sort(),
    );
    expect(await serials(first.id, "&channel=alipay")).toEqual([]);
    // Upper case is the same id.
    expect(await serials(first.id.toUpperCase())).toEqual(["K1234567890", "K1234567892"]);
  });

  it("lists a file's payments in the file's order (not newest first) and pages them by cursor without gaps or repeats", async () => {
    const [first] = await imports();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Row[]; nextCursor: string | null } = (await paymentsOf(`?statementId=${first.id}&limit=1${cursor ? `&cursor=${cursor}` : ""}`)).json;
      seen.push(...page.data.map((p) => p.channelTransactionId));
      cursor = page.nextCursor;
    } while (cursor);
    // Line 1 was booked on 1 May and line 3 on 2 May: newest first would list them the other way round.
    expect(seen).toEqual(["K1234567890", "K1234567892"]);
  });

  it("another merchant's import lists nothing; an id that is not one is a 400", async () => {
    const [first] = await imports();
    expect((await paymentsOf(`?statementId=${first.id}`, other.apiKey)).json).toEqual({ data: [], nextCursor: null });
    const bad = await paymentsOf("?statementId=not-an-id");
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("statementId");
  });
});

describe(`what is left to handle of a file (${process.env.TEST_DB})`, () => {
  it("a line matched by hand leaves the file's pending count; unmatched again, it comes back", async () => {
    const [, , fresh] = ((await list()).json.data as Entry[]).reverse();
    expect(fresh.pending).toBe(1);
    const [line] = (await call(paymentsRoute as unknown as H, { method: "GET", apiKey: m.apiKey, path: `/api/v1/payments?statementId=${fresh.id}` })).json.data;
    const order = await createOrder(m.apiKey, { amount: 1200 });
    const matched = await call(matchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: line.paymentId }, body: { allocations: [{ reference: order.reference, amount: 1200 }] } });
    expect(matched.status).toBe(200);
    const pendingOf = async () => ((await list()).json.data as Entry[]).find((e) => e.id === fresh.id)!.pending;
    expect(await pendingOf()).toBe(0);
    expect((await call(unmatchRoute as unknown as H, { apiKey: m.apiKey, params: { paymentId: line.paymentId } })).status).toBe(200);
    expect(await pendingOf()).toBe(1);
  });

  it("a bill's pending count includes the notified payments it confirmed that are still unmatched, as the list it links to shows them", async () => {
    const a = await merchantWithAlipay();
    const posted = await payWithAlipay(a, "NOSUCHORDER1", "66.00");
    expect(posted.text).toBe("success");
    const [p] = await t.db().select().from(payments).where(eq(payments.channelAccountId, a.accountId));
    expect(p.status).toBe("unmatched");
    const bill = alipayBill([alipayTrade({ tradeNo: p.channelTransactionId, outTradeNo: "NOSUCHORDER1", amount: "66.00", created: "2024-05-01 10:00:01", finished: "2024-05-01 10:00:09" })]);
    const request = new Request(`${BASE}/api/v1/statements?channelAccountId=${a.accountId}&format=alipay-bill`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.apiKey}`, "content-type": "text/csv" },
      body: Buffer.from(toGbk(bill)),
    });
    const imported = await (importRoute as unknown as H)(request, { params: Promise.resolve({}) });
    expect(imported.status).toBe(200);
    const { statementId } = (await imported.json()) as { statementId: string };
    const entry = (await call(oneRoute as unknown as H, { method: "GET", apiKey: a.apiKey, params: { statementId } })).json as Entry;
    const listed = await call(paymentsRoute as unknown as H, { method: "GET", apiKey: a.apiKey, path: `/api/v1/payments?statementId=${statementId}&status=unmatched` });
    expect(listed.json.data).toHaveLength(1);
    expect(entry.pending).toBe(1);
  });
});
