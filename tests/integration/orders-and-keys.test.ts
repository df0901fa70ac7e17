import { describe, expect, it } from "vitest";
import { DELETE as revokeKey } from "@/app/api/v1/api-keys/[keyId]/route";
import { GET as listKeys, POST as createKey } from "@/app/api/v1/api-keys/route";
import { GET as listOrdersRoute } from "@/app/api/v1/orders/route";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;
const list = (apiKey: string, query: string) => call(h(listOrdersRoute), { method: "GET", apiKey, path: `/api/v1/orders?${query}` });

describe(`orders list and API keys (${process.env.TEST_DB})`, () => {
  it("lists orders newest first with filters and cursor paging that visits each order once", async () => {
    const m = await merchantWithAlipay();
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await createOrder(m.apiKey, { source: i % 2 ? "taobao" : "douyin", amount: 100 + i }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(m.apiKey, `limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...res.json.data.map((o: { reference: string }) => o.reference));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((o) => o.reference).reverse());
    const taobao = await list(m.apiKey, "source=taobao&status=pending");
    expect(taobao.json.data).toHaveLength(3);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await list(m.apiKey, `from=${today}&to=${today}`)).json.data).toHaveLength(7);
    expect((await list(m.apiKey, "from=2000-01-01&to=2000-01-02")).json.data).toHaveLength(0);
    const other = await merchantWithAlipay();
    expect((await list(other.apiKey, "")).json.data).toHaveLength(0);
  });

  it.each(["status=done", "limit=0", "limit=501", "from=2026-13-01", "cursor=garbage", "to=yesterday"])(
    "a bad query (%s) is a 400 naming the parameter",
    async (query) => {
      const m = await merchantWithAlipay();
      const res = await list(m.apiKey, query);
      expect(res.status).toBe(400);
      expect(res.json.error.message).toContain(query.split("=")[0]);
    },
  );

  it("API keys: created once in clear, listed by prefix, revoked keys get 401", async () => {
    const m = await merchantWithAlipay();
    const created = await call(h(createKey), { apiKey: m.apiKey, body: { name: "抖店同步" } });
    expect(created.status).toBe(201);
    expect(created.json.key).toMatch(/^sk_live_/);
    const listed = await call(h(listKeys), { method: "GET", apiKey: created.json.key });
    expect(listed.json.data).toHaveLength(2);
    expect(JSON.stringify(listed.json)).not.toContain(created.json.key);
    expect(listed.json.data.map((k: { prefix: string }) => k.prefix)).toContain(created.json.prefix);
    const other = await merchantWithAlipay();
    expect((await call(h(revokeKey), { method: "DELETE", apiKey: other.apiKey, params: { keyId: created.json.id } })).status).toBe(404);
    expect((await call(h(revokeKey), { method: "DELETE", apiKey: m.apiKey, params: { keyId: created.json.id } })).status).toBe(204);
    expect((await call(h(listKeys), { method: "GET", apiKey: created.json.key })).status).toBe(401);
    expect((await call(h(listKeys), { method: "GET", apiKey: m.apiKey })).status).toBe(200);
  });
});
