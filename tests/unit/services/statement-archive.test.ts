import zlib from "node:zlib";
import iconv from "iconv-lite";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/http/errors";
import { unpackStatement } from "@/lib/services/statement-archive";

const MB = 1024 * 1024;
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

async function zip(files: Record<string, string | Uint8Array>, opts: { gbkNames?: boolean; store?: boolean } = {}): Promise<Uint8Array> {
  const z = new JSZip();
  for (const [name, content] of Object.entries(files)) z.file(name, content);
  return z.generateAsync({
    type: "uint8array",
    compression: opts.store ? "STORE" : "DEFLATE",
    // Alipay's downloads and Chinese Windows name their entries in GBK, without the UTF-8 flag.
    // JSZip writes whatever bytes this returns as the name (its types say string).
    ...(opts.gbkNames ? { encodeFileName: ((name: string) => new Uint8Array(iconv.encode(name, "gbk"))) as unknown as (name: string) => string } : {}),
  });
}

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("not refused");
}

describe("unpackStatement", () => {
  let zip2: Uint8Array;
  let empty: Uint8Array;
  let one: Uint8Array;
  let oneStored: Uint8Array;
  beforeAll(async () => {
    zip2 = await zip({ "a.csv": "x", "b.csv": "y" });
    const folderOnly = new JSZip();
    folderOnly.folder("empty");
    empty = await folderOnly.generateAsync({ type: "uint8array" });
    one = await zip({ "a.csv": "交易日期,金额\n".repeat(50) });
    oneStored = await zip({ "a.csv": "交易日期,金额\n".repeat(50) }, { store: true });
  });

  it("answers any other upload as it came", () => {
    const csv = new TextEncoder().encode("交易日期,金额\n");
    expect(unpackStatement(csv, MB)).toBe(csv);
    expect(unpackStatement(new Uint8Array([0x50, 0x4b]), MB)).toHaveLength(2);
  });

  it("takes an Alipay bill download's 业务明细 beside its 汇总, names in GBK, and leaves macOS forks and folders out", async () => {
    const detail = iconv.encode("#支付宝业务明细查询\n业务流水号,商户订单号\n", "gbk");
    const archive = await zip(
      {
        "20881234567890120241125_业务明细.csv": detail,
        "20881234567890120241125_业务明细(汇总).csv": iconv.encode("#汇总\n", "gbk"),
        "__MACOSX/._20881234567890120241125_业务明细.csv": "fork",
      },
      { gbkNames: true },
    );
    expect(Buffer.from(unpackStatement(archive, MB)).equals(detail)).toBe(true);
    const stored = await zip({ "statements/camt053.xml": "<?xml version=\"1.0\"?><Document/>" }, { store: true });
    expect(text(unpackStatement(stored, MB))).toContain("<Document/>");
  });

  it("unpacks a gzip (WeChat Pay's bill API answers one on request)", () => {
    const bill = "交易时间,公众账号ID,商户号\n";
    expect(text(unpackStatement(new Uint8Array(zlib.gzipSync(bill)), MB))).toBe(bill);
  });

  it("refuses what it cannot choose or read, in words a person acts on", () => {
    const several = refusal(() => unpackStatement(zip2, MB));
    expect(several).toMatchObject({ status: 400, code: "invalid_statement" });
    expect(several.message).toMatch(/several files \(a\.csv, b\.csv\): upload the one to import/);
    expect(refusal(() => unpackStatement(empty, MB)).message).toMatch(/holds no file/);
    const damaged = Buffer.from(one);
    damaged[damaged.length - 30] ^= 0xff;
    expect(refusal(() => unpackStatement(damaged.subarray(0, damaged.length - 10), MB)).code).toBe("invalid_statement");
    const flipped = Buffer.from(oneStored);
    flipped[40] ^= 0xff; // inside the stored content: the checksum no longer holds
    expect(refusal(() => unpackStatement(flipped, MB)).message).toMatch(/checksum|damaged/);
    expect(refusal(() => unpackStatement(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), MB)).code).toBe("invalid_statement");
  });

  it("stops a zip or gzip bomb at the limit: 413 before the whole of it is inflated", async () => {
    const zeros = new Uint8Array(3 * MB);
    const bomb = await zip({ "big.csv": zeros });
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(refusal(() => unpackStatement(bomb, MB))).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(refusal(() => unpackStatement(new Uint8Array(zlib.gzipSync(zeros)), MB))).toMatchObject({ status: 413 });
    expect(unpackStatement(bomb, 4 * MB)).toHaveLength(3 * MB);
    // A directory that understates the size does not get past the inflater's own limit.
    const lying = Buffer.from(bomb);
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(100, central + 24);
    expect(refusal(() => unpackStatement(lying, MB))).toMatchObject({ status: 413 });
  });
});
