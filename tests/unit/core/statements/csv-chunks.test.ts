import { describe, expect, it } from "vitest";
import { readCsv, readCsvChunks } from "@/lib/core/statements/csv";
import { decodeStatementBytes, decodeStatementChunks } from "@/lib/core/statements/decode";
import { toGbk } from "../../../fixtures/statements/cn-exports";

const TRICKY = 'a,b,c\r\n"多行\r\n备注","x ""引号"" y",3\r\n\r\nplain,"",\n"x,y",z"stray,end\r"last","row"';
const shape = (records: Iterable<{ lineNo: number; fields: string[] }>) => [...records].map(({ lineNo, fields }) => ({ lineNo, fields }));

/** `text` cut into pieces of `size` characters. */
const cut = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe("readCsvChunks", () => {
  it("reads the same records and line numbers as readCsv wherever the chunks are cut", () => {
    const whole = shape(readCsv(TRICKY));
    expect(whole.length).toBeGreaterThan(4);
    for (let size = 1; size <= TRICKY.length; size++) expect(shape(readCsvChunks(cut(TRICKY, size)))).toEqual(whole);
  });

  it("reads nothing from no chunks", () => {
    expect([...readCsvChunks([])]).toEqual([]);
  });
});

describe("decodeStatementChunks", () => {
  it("decodes a multi-megabyte GBK file in chunks to exactly the text decodeStatementBytes gives", () => {
    const text = Array.from({ length: 60_000 }, (_, i) => `${i},招商银行 第${i}笔,"1,234.56"`).join("\r\n");
    const bytes = toGbk(text);
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const chunks = [...decodeStatementChunks(bytes)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(text);
    expect(decodeStatementBytes(bytes)).toEqual({ text, encoding: "gbk" });
  });

  it("drops a UTF-8 byte-order mark and keeps characters cut by a chunk boundary whole", () => {
    const text = "é".repeat(600_000);
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect([...decodeStatementChunks(bytes)].join("")).toBe(text);
  });
});
