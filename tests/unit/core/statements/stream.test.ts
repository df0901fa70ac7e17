import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { collectItems, parseStatement, streamStatement, StatementFormatError, type StatementFormat } from "@/lib/core/statements";
import { ALIPAY_SAMPLE, CMB_HEADER, CMB_SAMPLE, ICBC_SAMPLE, buildCsv, cmbCredit, toGbk } from "../../../fixtures/statements/cn-exports";
import { fixture } from "./helpers";

// Heap figures are read after a full collection, so garbage not yet collected does not count as held.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const byLine = <T extends { line: number } | { lineNo: number }>(xs: T[]) =>
  [...xs].sort((a, b) => ("line" in a ? a.line : a.lineNo) - ("line" in b ? b.line : b.lineNo));

describe("streamStatement", () => {
  it.each<[string, Uint8Array, StatementFormat | "auto"]>([
    ["CMB (GBK)", toGbk(CMB_SAMPLE), "auto"],
    ["ICBC (GBK)", toGbk(ICBC_SAMPLE), "icbc-csv"],
    ["Alipay bill", toGbk(ALIPAY_SAMPLE), "auto"],
    ["WeChat Pay bill", fixture("wechatpay-bill/wechatpay_v3_tradebill_ALL_20210128.csv"), "wechat-bill"],
    ["camt.053", fixture("camt053/postfinance_camt.053.001.04_CH2909000000250094239.xml"), "auto"],
    ["MT940", fixture("mt940/volksbank_de_volksbankenraiffeisenbanken_CRLF.txt"), "mt940"],
  ])("%s: yields exactly what parseStatement returns", (_, bytes, format) => {
    const whole = parseStatement(format, bytes);
    const stream = streamStatement(format, bytes);
    const streamed = collectItems(stream.format, stream.items);
    expect(stream.format).toBe(whole.format);
    expect(byLine(streamed.lines)).toEqual(byLine(whole.lines));
    expect(byLine(streamed.rejected)).toEqual(byLine(whole.rejected));
  });

  it("finds a file of no known format on its first lines", () => {
    expect(() => streamStatement("auto", new TextEncoder().encode("hello,world\n1,2\n"))).toThrow(StatementFormatError);
    const stream = streamStatement("cmb-csv", new TextEncoder().encode("hello,world\n1,2\n"));
    expect(() => [...stream.items]).toThrow(StatementFormatError);
  });

  it("reads a 50 MB CMB export across many decode chunks in bounded memory, with the right line numbers", () => {
    const row = (i: number) =>
      cmbCredit({ date: "20261124", time: "10:00:00", credit: `${(i % 5000) + 1}.00`, serial: `S${i}`, memo: `货款 第${i}笔 附言较长以便接近真实导出的行宽`, payer: "杭州锦程服饰有限公司", account: `62220000${i}` });
    const header = buildCsv(CMB_HEADER, [row(0)]);
    const firstLine = header.slice(0, header.indexOf("\r\n") + 2);
    const parts = [firstLine];
    let size = 0;
    let n = 0;
    while (size < 50 * 1024 * 1024) {
      const line = buildCsv(CMB_HEADER, [row(n++)]).slice(firstLine.length);
      parts.push(line);
      size += Buffer.byteLength(line);
    }
    const bytes = new Uint8Array(Buffer.from(parts.join(""), "utf8"));
    parts.length = 0;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let samples = 0;
    let count = 0;
    let amount = 0;
    let lastLine = 0;
    for (const item of streamStatement("cmb-csv", bytes).items) {
      if (!item.line) throw new Error(`rejected: ${item.rejected.message}`);
      count++;
      amount += item.line.amount;
      lastLine = item.line.lineNo;
      if (count % 10_000 === 0) {
        gc();
        samples++;
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    expect(count).toBe(n);
    expect(lastLine).toBe(n + 1);
    let expected = 0;
    for (let i = 0; i < n; i++) expected += ((i % 5000) + 1) * 100;
    expect(amount).toBe(expected);
    // The lines of the whole file as objects would take several hundred MB; a stream holds a chunk.
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  }, 120_000);
});
