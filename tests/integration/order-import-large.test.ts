// A 100k-line Taobao export goes through the real import route in bounded memory. Memory behaviour is the
// application's, not the database's, and the heap is sampled through PGlite's protocol hook, so this ~45 s test
// runs on the PGlite project only.
import v8 from "node:v8";
import vm from "node:vm";
import { count, eq } from "drizzle-orm";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { POST as importRoute } from "@/app/api/v1/orders/import/route";
import { orders } from "@/lib/db/schema";
import { BASE, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
const LINES = 100_000;
const HEADER =
  "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,特权订金订单id,定金排名,修改后的sku,修改后的收货地址,天猫卡券抵扣";

const fen = (i: number) => 100 + ((i * 7919) % 500_000);
const yuan = (f: number) => `${Math.floor(f / 100).toLocaleString("en-US")}.${String(f % 100).padStart(2, "0")}`;

/** A GBK export of `n` orders, built line by line into byte chunks so the test never holds it as one string. */
function taobaoExport(n: number): Uint8Array<ArrayBuffer> {
  const parts: Buffer[] = [iconv.encode(`${HEADER}\r\n`, "gbk")];
  let block: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = String(3_928_475_600_000_000_000n + BigInt(i));
    const f = fen(i);
    block.push(
      `="${id}",tb_buyer${i},buyer${i}***@163.com,"${yuan(f)}",0.00,0,"${yuan(f)}",0,"${yuan(f)}",0,买家已付款，等待卖家发货,,张三${i % 100},上海市 浦东新区 世纪大道${i % 999}号,快递,,138****0000,2026-11-24 10:21:33,2026-11-24 10:22:01,原创连衣裙 碎花 M码 第${i}款,1,,,,1,12345,链动小铺旗舰店,,0.00,0.00,,手机订单,,,,,,0.00`,
    );
    if (block.length === 5_000) {
      parts.push(iconv.encode(`${block.join("\r\n")}\r\n`, "gbk"));
      block = [];
    }
  }
  if (block.length) parts.push(iconv.encode(`${block.join("\r\n")}\r\n`, "gbk"));
  return new Uint8Array(Buffer.concat(parts));
}

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/**
 * Heap still reachable (after a full GC) at its highest point while `run` works, above what it was before. PGlite
 * answers through microtasks only, so a timer would never fire mid-import: the heap is sampled as each statement
 * reaches the database instead (at most every 200 ms).
 */
async function peakRetainedGrowth<T>(run: () => Promise<T>): Promise<{ result: T; growth: number; samples: number }> {
  const client = (t.db() as unknown as { $client: { execProtocolRawSync: (...args: unknown[]) => unknown } }).$client;
  const execProtocolRawSync = client.execProtocolRawSync;
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let samples = 0;
  let last = 0;
  client.execProtocolRawSync = function (this: unknown, ...args: unknown[]) {
    if (performance.now() - last > 200) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      samples++;
      last = performance.now();
    }
    return execProtocolRawSync.apply(this, args);
  };
  try {
    const result = await run();
    return { result, growth: peak - before, samples };
  } finally {
    client.execProtocolRawSync = execProtocolRawSync;
  }
}

// PGlite only (vitest.config.ts leaves this file out of the other projects): the sampler hooks its protocol calls.
describe(`100k-line order import (${process.env.TEST_DB})`, () => {
  it("imports every order with exact amounts while the retained heap stays bounded", { timeout: 300_000 }, async () => {
    const m = await merchantWithAlipay();
    const file = taobaoExport(LINES);
    expect(file.length).toBeGreaterThan(20 * 1024 * 1024);
    const started = performance.now();
    const { result, growth, samples } = await peakRetainedGrowth(async () => {
      const req = new Request(`${BASE}/api/v1/orders/import?format=taobao`, {
        method: "POST",
        headers: { authorization: `Bearer ${m.apiKey}`, "content-type": "text/csv" },
        body: file,
      });
      const res = await (importRoute as unknown as (r: Request, c: unknown) => Promise<Response>)(req, { params: Promise.resolve({}) });
      return { status: res.status, json: await res.json() };
    });
    const seconds = (performance.now() - started) / 1000;
    console.info(`100k import: ${seconds.toFixed(1)} s, peak retained heap growth ${(growth / 1024 / 1024).toFixed(1)} MB, file ${(file.length / 1024 / 1024).toFixed(1)} MB, ${samples} samples`);
    expect(samples).toBeGreaterThan(10);
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ imported: LINES, duplicates: 0, rejected: [] });
    const [{ n }] = await t.db().select({ n: count() }).from(orders).where(eq(orders.merchantId, m.merchantId));
    expect(n).toBe(LINES);
    for (const i of [0, 4_999, 5_000, 77_777, LINES - 1]) {
      const [row] = await t.db().select().from(orders).where(eq(orders.orderNo, String(3_928_475_600_000_000_000n + BigInt(i))));
      expect(row).toMatchObject({ merchantId: m.merchantId, amount: fen(i), source: "taobao" });
    }
    // The decoded text alone is ~2 bytes a character of a ~25 MB file, and 100k parsed orders are tens of MB more:
    // a file turned into one string or one array at once cannot stay under this.
    expect(growth).toBeLessThan(32 * 1024 * 1024);
  });
});
