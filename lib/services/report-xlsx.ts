import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import {
  channelLabel,
  writeOffCauseLabel,
  DAILY_COLUMNS,
  EXCEPTION_COLUMNS,
  MATCHED_COLUMNS,
  SECTION_TITLES,
  sourceLabel,
  SUMMARY_COLUMNS,
  otherCurrencyNote,
  summaryLines,
  type Column,
  type ReportSummary,
} from "@/lib/core/reports";
import type { DbOrTx } from "@/lib/db/client";
import { logger } from "@/lib/log";
import { exceptionBatches, matchedBatches, summarizeReconciliation, type ReportContext } from "@/lib/services/reports";

/** Excel number format of money cells: yuan with thousands separators and two decimals. */
export const MONEY_FORMAT = '"¥"#,##0.00';
const FORMATS: Record<Column<unknown>["kind"], string | undefined> = {
  money: MONEY_FORMAT,
  int: "0",
  ratio: "0.00",
  datetime: "yyyy-mm-dd hh:mm:ss",
  date: "yyyy-mm-dd",
  text: "@",
};
const BOLD = { bold: true };
const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE8F0FE" } };
const TOTAL_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFF3F4F6" } };

type Sheet = ExcelJS.Worksheet;

/** Column letter of a 1-based index (1 → A, 27 → AA). */
export function columnLetter(index: number): string {
  let s = "";
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// Money is stored as the yuan number fen/100 (the double nearest the exact decimal, which Excel
// shows and sums exactly at two decimals); instants as their wall-clock time in the merchant's zone.
function cellValue<R>(column: Column<R>, row: R): ExcelJS.CellValue {
  const v = column.value(row);
  if (v === null || v === undefined) return null;
  switch (column.kind) {
    case "money":
      return Number(v) / 100;
    case "int":
    case "ratio":
      return Number(v);
    case "datetime":
      return new Date(Date.parse(`${String(v).slice(0, 19)}Z`));
    case "date":
      return new Date(`${String(v)}T00:00:00Z`);
    default:
      return String(v);
  }
}

function defineColumns<R>(ws: Sheet, columns: Column<R>[]) {
  ws.columns = columns.map((c) => ({ width: c.width, style: { numFmt: FORMATS[c.kind] } }));
}

function writeHeader<R>(ws: Sheet, columns: Column<R>[]) {
  const row = ws.addRow(columns.map((c) => c.header));
  row.eachCell((cell) => {
    cell.font = BOLD;
    cell.fill = HEADER_FILL;
    cell.numFmt = "@";
  });
  row.commit();
}

// One style object per column kind, shared by every detail cell: exceljs gives each new cell its own
// copy of the column style, and a style object it has not seen is rendered to XML and hashed to find
// its id (a third of the workbook's CPU time at a million rows); a shared object is looked up by identity.
const CELL_STYLES = Object.fromEntries(
  Object.entries(FORMATS).map(([kind, numFmt]) => [kind, numFmt ? { numFmt } : {}]),
) as Record<Column<unknown>["kind"], Partial<ExcelJS.Style>>;

function writeRows<R>(ws: Sheet, columns: Column<R>[], rows: R[]) {
  for (const r of rows) {
    const row = ws.addRow(columns.map((c) => cellValue(c, r)));
    row.eachCell((cell, col) => {
      cell.style = CELL_STYLES[columns[col - 1].kind];
    });
    row.commit();
  }
}

// Escapes text for sheet XML and drops the control characters XML 1.0 cannot hold, as exceljs does.
const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B\x0C\x0E-\x1F]/;
const XML_ESCAPES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" };
const xmlText = (s: string) => (XML_SPECIAL.test(s) ? s.replace(/[<>&'"\x7F\x00-\x08\x0B\x0C\x0E-\x1F]/g, (c) => XML_ESCAPES[c] ?? "") : s);

const DAY_MS = 86_400_000;
// Excel's serial day number of a wall-clock time written as UTC (1970-01-01 is day 25569), as exceljs computes it.
const excelSerial = (ms: number) => 25569 + ms / DAY_MS;

/** The `<c>` element of one cell (null when the cell is empty), the same XML exceljs writes for the value {@link cellValue} gives. */
function cellXml(kind: Column<unknown>["kind"], v: string | number | null, ref: string, style: number): string | null {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case "money":
      return `<c r="${ref}" s="${style}"><v>${Number(v) / 100}</v></c>`;
    case "int":
    case "ratio":
      return `<c r="${ref}" s="${style}"><v>${Number(v)}</v></c>`;
    case "datetime":
      return `<c r="${ref}" s="${style}"><v>${excelSerial(Date.parse(`${String(v).slice(0, 19)}Z`))}</v></c>`;
    case "date":
      return `<c r="${ref}" s="${style}"><v>${excelSerial(Date.parse(`${String(v)}T00:00:00Z`))}</v></c>`;
    default:
      return `<c r="${ref}" s="${style}" t="str"><v>${xmlText(String(v))}</v></c>`;
  }
}

// What the bulk writer needs of exceljs 4.4's streaming sheet and workbook (not in its typings).
interface SheetWriterInternals {
  _rowZero: number;
  _rows: unknown[];
  startedData: boolean;
  /** exceljs's StreamBuf: holds `buffers` until the zip takes the entry, then writes them to `pipes` (ignoring backpressure). */
  stream: { write(data: Buffer): unknown; buffers: unknown[]; pipes: ZipEntryInput[] };
}
/** The zip's PassThrough for the entry (readable-stream 3, which predates `writableNeedDrain`). */
interface ZipEntryInput {
  _writableState?: { needDrain: boolean };
  once(event: "drain", listener: () => void): unknown;
  off(event: "drain", listener: () => void): unknown;
}
interface WorkbookInternals {
  styles: { addStyleModel(style: Partial<ExcelJS.Style>, type: ExcelJS.ValueType): number };
}

const VALUE_TYPES: Record<Column<unknown>["kind"], ExcelJS.ValueType> = {
  money: ExcelJS.ValueType.Number,
  int: ExcelJS.ValueType.Number,
  ratio: ExcelJS.ValueType.Number,
  datetime: ExcelJS.ValueType.Date,
  date: ExcelJS.ValueType.Date,
  text: ExcelJS.ValueType.String,
};

/**
 * Writes detail rows straight into a streaming sheet's XML, a batch per write: exceljs builds a Row,
 * a Cell per value and a model per cell before rendering each row, which was most of the workbook's
 * CPU at a million rows. The cells are the ones exceljs writes (same style ids from its style
 * table, inline `str` strings, serial dates); the sheet's own rows (header, 合计) still go through
 * exceljs, which numbers them after the rows written here. `render` numbers and renders a batch,
 * `push` hands it to the zip and resolves once the zip has taken it: a caller renders the next batch
 * while the zip deflates this one.
 */
function bulkRowWriter<R>(wb: Workbook, ws: Sheet, out: Writable, columns: Column<R>[]) {
  const sheet = ws as unknown as SheetWriterInternals;
  const { styles } = wb as unknown as WorkbookInternals;
  const styleIds = columns.map((c) => styles.addStyleModel(CELL_STYLES[c.kind], VALUE_TYPES[c.kind]));
  const letters = columns.map((_, i) => columnLetter(i + 1));
  let capacity = 64 * 1024;
  return {
    render(rows: R[]): Buffer {
      if (!sheet.startedData || sheet._rows.length) throw new Error("bulk rows need the sheet's header committed and no row pending");
      let n = sheet._rowZero;
      // Each row is encoded into the batch's buffer as soon as it is built: one string for the whole
      // batch would be a rope of a hundred thousand pieces, flattened and encoded at the end (an
      // eighth of the workbook's CPU at a million rows).
      let buf = Buffer.allocUnsafe(capacity);
      let used = 0;
      for (const r of rows) {
        let xml = `<row r="${n}">`;
        for (let i = 0; i < columns.length; i++) {
          const c = cellXml(columns[i].kind, columns[i].value(r), `${letters[i]}${n}`, styleIds[i]);
          if (c !== null) xml += c;
        }
        xml += "</row>";
        // A UTF-16 code unit takes at most three bytes in UTF-8.
        if (used + xml.length * 3 > buf.length) {
          const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, used + xml.length * 3));
          buf.copy(bigger, 0, 0, used);
          buf = bigger;
        }
        used += buf.write(xml, used);
        n++;
      }
      sheet._rowZero = n;
      capacity = Math.max(capacity, used + (used >> 3));
      return buf.subarray(0, used);
    },
    push(xml: Buffer): Promise<void> {
      sheet.stream.write(xml);
      return zipTookRows(sheet.stream, out);
    },
  };
}

// exceljs hands the sheet's bytes to the zip without waiting for it; rows written faster than the
// zip deflates them would pile up in memory, so the next batch waits until the zip has taken these.
// A download closed meanwhile stops the wait too (the zip then never drains); `drained` reports it.
async function zipTookRows(stream: SheetWriterInternals["stream"], out: Writable) {
  for (;;) {
    if (out.destroyed) return;
    const pipe = stream.pipes[0];
    if (pipe?._writableState?.needDrain) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off("close", done);
          pipe.off("drain", done);
          resolve();
        };
        pipe.once("drain", done);
        out.once("close", done);
      });
    } else if (!pipe && stream.buffers.length > 16) await new Promise((resolve) => setTimeout(resolve, 5));
    else return;
  }
}

// exceljs drops a zero formula result given through `cell.value` (it copies only truthy fields),
// which would leave a 0 total without a cached value for readers that do not calculate; setting
// the cell's model keeps it.
function setFormula(cell: ExcelJS.Cell, formula: string, result: number) {
  cell.model = { ...cell.model, type: ExcelJS.ValueType.Formula, formula, result } as ExcelJS.CellModel;
}

/**
 * A 合计 line under rows `first..last`: SUM formulas (with their computed result, so readers that do
 * not calculate still see the figure) in the money and count columns named by `sums`.
 */
function writeTotals<R>(ws: Sheet, columns: Column<R>[], first: number, last: number, sums: Record<string, number>, label = "合计") {
  const row = ws.addRow([label]);
  columns.forEach((c, i) => {
    if (!(c.header in sums)) return;
    const result = c.kind === "money" ? sums[c.header] / 100 : sums[c.header];
    const cell = row.getCell(i + 1);
    if (last < first) cell.value = result;
    else setFormula(cell, `SUM(${columnLetter(i + 1)}${first}:${columnLetter(i + 1)}${last})`, result);
  });
  for (let i = 1; i <= columns.length; i++) {
    const cell = row.getCell(i);
    cell.font = BOLD;
    cell.fill = TOTAL_FILL;
  }
  row.commit();
  return row.number;
}

// Waits while the consumer is behind, so a slow download never buffers the whole workbook; a
// download the client abandoned ends the work instead of waiting for a drain that never comes.
async function drained(out: Writable) {
  if (out.destroyed) throw new Error("report output closed before the workbook was complete");
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      if (out.destroyed) reject(new Error("report output closed before the workbook was complete"));
      else resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}

function sumBy<R>(columns: Column<R>[], headers: string[]) {
  const sums: Record<string, number> = Object.fromEntries(headers.map((h) => [h, 0]));
  const cols = columns.filter((c) => headers.includes(c.header));
  return {
    sums,
    add(row: R) {
      for (const c of cols) sums[c.header] += Number(c.value(row) ?? 0);
    },
  };
}

type Workbook = InstanceType<typeof ExcelJS.stream.xlsx.WorkbookWriter>;

const FIGURE_HEADERS = ["收款笔数", "收款金额", "退款笔数", "退款金额", "净额", "已匹配金额", "未匹配金额", "差额核销"];
const SUMMARY_HEADER_ROW = 8;

function writeSummarySheet(wb: Workbook, ctx: ReportContext, summary: ReportSummary, generatedAt: Date) {
  const { channels, totals } = summary;
  const ws = wb.addWorksheet(SECTION_TITLES.summary, { views: [{ state: "frozen", ySplit: SUMMARY_HEADER_ROW }] });
  defineColumns(ws, SUMMARY_COLUMNS);
  ws.getColumn(1).width = 30;
  const title = ws.addRow(["收款对账报告"]);
  title.getCell(1).font = { bold: true, size: 14 };
  title.commit();
  const meta: [string, string][] = [
    ["商户", ctx.merchant.name],
    ["对账期间", `${ctx.params.from} 至 ${ctx.params.to}（${ctx.merchant.timeZone}）`],
    ["生成时间", `${ctx.fmt.dateTime(generatedAt)}（${ctx.merchant.timeZone}）`],
    ["筛选条件", `渠道：${ctx.params.channel ? channelLabel(ctx.params.channel) : "全部"}；订单来源：${ctx.params.source ? sourceLabel(ctx.params.source) : "全部"}`],
    ["币种", ctx.query.currency],
    ...otherCurrencyNote(summary.otherCurrencies),
  ];
  for (const [k, v] of meta) {
    const r = ws.addRow([k, v]);
    r.getCell(1).font = BOLD;
    r.getCell(2).numFmt = "@";
    r.commit();
  }
  ws.addRow([]).commit();
  writeHeader(ws, SUMMARY_COLUMNS);
  const first = SUMMARY_HEADER_ROW + 1;
  writeRows(ws, SUMMARY_COLUMNS, channels.map((c) => ({ ...c })));
  const sums = sumBy(SUMMARY_COLUMNS, FIGURE_HEADERS);
  summaryLines(channels, totals).slice(0, -1).forEach(sums.add);
  const t = writeTotals(ws, SUMMARY_COLUMNS, first, first + channels.length - 1, sums.sums);
  ws.addRow([]).commit();

  // Cross-checks an auditor can recalculate; each must come to zero. The other sheets are found by
  // their 合计 line (INDEX/MATCH), so the formulas hold however many rows they have.
  const col = <R>(columns: Column<R>[], header: string) => columnLetter(columns.findIndex((c) => c.header === header) + 1);
  const s = (header: string) => `${col(SUMMARY_COLUMNS, header)}${t}`;
  const totalOf = <R>(sheet: string, columns: Column<R>[], header: string) =>
    `INDEX('${sheet}'!${col(columns, header)}:${col(columns, header)},MATCH("合计",'${sheet}'!A:A,0))`;
  const checks: [string, string, number][] = [
    ["校验：收款 − 退款 − 净额", `${s("收款金额")}-${s("退款金额")}-${s("净额")}`, totals.grossAmount - totals.refundedAmount - totals.netAmount],
    ["校验：已匹配 + 未匹配 − 收款", `${s("已匹配金额")}+${s("未匹配金额")}-${s("收款金额")}`, totals.matchedAmount + totals.unmatchedAmount - totals.grossAmount],
    ["校验：匹配明细合计 − 已匹配", `${totalOf(SECTION_TITLES.matched, MATCHED_COLUMNS, "匹配金额")}-${s("已匹配金额")}`, 0],
    ["校验：匹配明细差额核销合计 − 差额核销", `${totalOf(SECTION_TITLES.matched, MATCHED_COLUMNS, "差额核销")}-${s("差额核销")}`, 0],
    ["校验：异常未分配合计 − 未匹配", `${totalOf(SECTION_TITLES.exceptions, EXCEPTION_COLUMNS, "未分配金额")}-${s("未匹配金额")}`, 0],
    [
      "校验：资金流净额合计 − 净额",
      `${totalOf(SECTION_TITLES.daily, DAILY_COLUMNS, "净额")}-${s("净额")}`,
      summary.daily.reduce((a, d) => a + d.netAmount, 0) - totals.netAmount,
    ],
  ];
  const head = ws.addRow(["勾稽关系校验（应为 0）"]);
  head.getCell(1).font = BOLD;
  head.commit();
  for (const [label, formula, fen] of checks) {
    const r = ws.addRow([label]);
    setFormula(r.getCell(2), formula, fen / 100);
    r.getCell(2).numFmt = MONEY_FORMAT;
    r.commit();
  }
  if (summary.writeOffs.length) writeWriteOffTable(ws, summary);
  ws.commit();
}

// 差额核销 by cause under the checks: what the vouchers post to each cause's account.
function writeWriteOffTable(ws: Sheet, summary: ReportSummary) {
  ws.addRow([]).commit();
  const head = ws.addRow(["差额核销（按原因）", "笔数", "金额"]);
  head.font = BOLD;
  head.commit();
  const line = (label: string, count: number, fen: number) => {
    const r = ws.addRow([label, count, fen / 100]);
    r.getCell(3).numFmt = MONEY_FORMAT;
    return r;
  };
  for (const w of summary.writeOffs) line(writeOffCauseLabel(w.cause), w.count, w.amount).commit();
  const total = line("合计", summary.writeOffs.reduce((n, w) => n + w.count, 0), summary.totals.writtenOffAmount);
  total.font = BOLD;
  total.commit();
}

/** Streams rows of `batches` into a new sheet with a frozen header, autofilter and a 合计 line. */
async function streamSheet<R>(wb: Workbook, out: Writable, title: string, columns: Column<R>[], batches: AsyncIterable<R[]>, sumHeaders: string[]) {
  const ws = wb.addWorksheet(title, { views: [{ state: "frozen", ySplit: 1 }] });
  defineColumns(ws, columns);
  writeHeader(ws, columns);
  const sums = sumBy(columns, sumHeaders);
  const rowWriter = bulkRowWriter(wb, ws, out, columns);
  let count = 0;
  let zipping: Promise<void> = Promise.resolve();
  for await (const batch of batches) {
    const xml = rowWriter.render(batch);
    batch.forEach(sums.add);
    count += batch.length;
    await zipping;
    await drained(out);
    zipping = rowWriter.push(xml);
  }
  await zipping;
  writeTotals(ws, columns, 2, count + 1, sums.sums);
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  ws.commit();
  return sums.sums;
}

/**
 * Writes the reconciliation workbook (汇总 / 匹配明细 / 异常 / 资金流) to `out`, streaming: detail rows
 * are read in keyset batches and committed as they come, so memory stays flat however many
 * payments the range holds. The summary is folded first in its own pass; each sheet is added only
 * when it is written, because exceljs opens a sheet's zip entry when the sheet is added and the
 * zip is written entry by entry: a sheet left open ahead would hold every later row in memory.
 */
export async function writeReconciliationXlsx(
  db: DbOrTx,
  ctx: ReportContext,
  out: Writable,
  opts: { generatedAt: Date },
): Promise<void> {
  const summary = await summarizeReconciliation(db, ctx);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "LDXP Reconcile 链动小铺";
  wb.created = opts.generatedAt;
  writeSummarySheet(wb, ctx, summary, opts.generatedAt);
  const matched = await streamSheet(wb, out, SECTION_TITLES.matched, MATCHED_COLUMNS, matchedBatches(db, ctx), ["匹配金额", "差额核销"]);
  const exceptions = await streamSheet(wb, out, SECTION_TITLES.exceptions, EXCEPTION_COLUMNS, exceptionBatches(db, ctx), ["未分配金额"]);
  // Equal by construction when the passes read one snapshot; rows changing between passes (a live
  // day on a database read without one) would show here and in the 校验 lines once recalculated.
  if (matched["匹配金额"] !== summary.totals.matchedAmount || exceptions["未分配金额"] !== summary.totals.unmatchedAmount) {
    logger.warn({ merchantId: ctx.merchant.id, matched: matched["匹配金额"], unallocated: exceptions["未分配金额"], totals: summary.totals }, "xlsx detail sheets differ from the summary");
  }
  const daily = wb.addWorksheet(SECTION_TITLES.daily, { views: [{ state: "frozen", ySplit: 1 }] });
  defineColumns(daily, DAILY_COLUMNS);
  writeHeader(daily, DAILY_COLUMNS);
  writeRows(daily, DAILY_COLUMNS, summary.daily);
  const dailySums = sumBy(DAILY_COLUMNS, FIGURE_HEADERS);
  summary.daily.forEach(dailySums.add);
  writeTotals(daily, DAILY_COLUMNS, 2, summary.daily.length + 1, dailySums.sums);
  daily.commit();
  await wb.commit();
}
