import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import PDFDocument from "pdfkit";
import { formatYuan } from "@/lib/core/money";
import {
  channelLabel,
  writeOffCauseLabel,
  compareChannels,
  DAILY_COLUMNS,
  displayValue,
  eachDate,
  EXCEPTION_COLUMNS,
  MATCHED_COLUMNS,
  sourceLabel,
  SUMMARY_COLUMNS,
  otherCurrencyNote,
  summaryLines,
  type Column,
  type DailyFlow,
  type ExceptionRow,
  type MatchedRow,
  type ReportSummary,
} from "@/lib/core/reports";
import type { DbOrTx } from "@/lib/db/client";
import { exceptionBatches, matchedBatches, summarizeReconciliation, type ReportContext } from "@/lib/services/reports";

/** Detail lines printed per table; the XLSX and CSV carry all of them. */
export const PDF_DETAIL_LIMIT = 300;

// Row ids help a spreadsheet user join tables; on paper they only crowd out the columns people read.
const printable = <R>(columns: Column<R>[]) => columns.filter((c) => !c.header.endsWith("ID"));

type Doc = PDFKit.PDFDocument;

// Noto Sans CJK SC (OFL) shipped by an npm package: no system fonts, no network at run time.
let fontCache: { regular: Buffer; bold: Buffer } | null = null;

/**
 * The package's font folder. Under `next build` the bundler turns require.resolve into a module id
 * (a number), so the folder is first looked for from the working directory, where `next start` runs;
 * unbundled (tests, CLI) require.resolve finds it wherever the package is installed.
 */
function fontDir(): string {
  const candidates = [path.join(process.cwd(), "node_modules", "@embedpdf", "fonts-sc", "fonts")];
  const resolved: unknown = createRequire(import.meta.url).resolve("@embedpdf/fonts-sc");
  if (typeof resolved === "string") candidates.push(path.join(path.dirname(resolved), "..", "fonts"));
  const dir = candidates.find((d) => fs.existsSync(path.join(d, "NotoSansHans-Regular.otf")));
  if (!dir) throw new Error(`CJK fonts of @embedpdf/fonts-sc not found (looked in ${candidates.join(", ")})`);
  return dir;
}

function cjkFonts() {
  if (!fontCache) {
    const dir = fontDir();
    fontCache = {
      regular: fs.readFileSync(path.join(dir, "NotoSansHans-Regular.otf")),
      bold: fs.readFileSync(path.join(dir, "NotoSansHans-Bold.otf")),
    };
  }
  return fontCache;
}

const PALETTE = ["#1677ff", "#07c160", "#e60012", "#111111", "#635bff", "#003087", "#8c8c8c", "#fa8c16", "#722ed1"];
const MARGIN = 36;
const FOOTER = 24;

function fitText(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

function bottom(doc: Doc) {
  return doc.page.height - MARGIN - FOOTER;
}

function heading(doc: Doc, text: string) {
  if (doc.y + 60 > bottom(doc)) doc.addPage();
  const y = doc.y;
  doc.font("bold").fontSize(13).fillColor("#111111").text(text, MARGIN, y, { lineBreak: false });
  doc.x = MARGIN;
  doc.y = y + 24;
}

/** A ruled table that repeats its header on each page; `totalsFrom` marks the 合计 line. */
function table<R>(doc: Doc, columns: Column<R>[], rows: R[], opts: { totalsFrom?: number } = {}) {
  const width = doc.page.width - 2 * MARGIN;
  const unit = width / columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => c.width * unit);
  const rowH = 14;
  const pad = 3;
  const drawRow = (cells: string[], y: number, style: "header" | "body" | "total") => {
    if (style !== "body") doc.rect(MARGIN, y, width, rowH).fill(style === "header" ? "#e8f0fe" : "#f3f4f6");
    doc.font(style === "body" ? "regular" : "bold").fontSize(7).fillColor("#111111");
    let x = MARGIN;
    cells.forEach((text, i) => {
      const w = widths[i] - 2 * pad;
      const numeric = ["money", "int", "ratio"].includes(columns[i].kind);
      doc.text(fitText(doc, text, w), x + pad, y + 3.5, { width: w, align: numeric ? "right" : "left", lineBreak: false });
      x += widths[i];
    });
    doc.moveTo(MARGIN, y + rowH).lineTo(MARGIN + width, y + rowH).lineWidth(0.3).strokeColor("#d0d7de").stroke();
  };
  const header = columns.map((c) => c.header);
  let y = doc.y;
  if (y + 2 * rowH > bottom(doc)) {
    doc.addPage();
    y = doc.y;
  }
  drawRow(header, y, "header");
  y += rowH;
  rows.forEach((r, i) => {
    if (y + rowH > bottom(doc)) {
      doc.addPage();
      y = doc.y;
      drawRow(header, y, "header");
      y += rowH;
    }
    const isTotal = opts.totalsFrom !== undefined && i >= opts.totalsFrom;
    drawRow(
      columns.map((c) => displayValue(c, r)),
      y,
      isTotal ? "total" : "body",
    );
    y += rowH;
  });
  doc.x = MARGIN;
  doc.y = y + 10;
}

function niceStep(span: number): number {
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

/**
 * 每日资金流 as a bar chart drawn with vector primitives: receipts stacked by channel above the
 * axis, refunds below it, per day (per month when the range is longer than two months).
 */
function fundFlowChart(doc: Doc, daily: DailyFlow[], from: string, to: string) {
  const dates = eachDate(from, to);
  const monthly = dates.length > 62;
  const keys = monthly ? [...new Set(dates.map((d) => d.slice(0, 7)))] : dates;
  const channels = [...new Set(daily.map((d) => d.channel))].sort(compareChannels);
  const gross = new Map<string, Map<string, number>>();
  const refunded = new Map<string, number>();
  for (const d of daily) {
    const k = monthly ? d.date.slice(0, 7) : d.date;
    const g = gross.get(k) ?? new Map<string, number>();
    g.set(d.channel, (g.get(d.channel) ?? 0) + d.grossAmount);
    gross.set(k, g);
    refunded.set(k, (refunded.get(k) ?? 0) + d.refundedAmount);
  }
  const maxUp = Math.max(0, ...keys.map((k) => [...(gross.get(k)?.values() ?? [])].reduce((a, b) => a + b, 0)));
  const maxDown = Math.max(0, ...keys.map((k) => refunded.get(k) ?? 0));
  const step = niceStep(Math.max(maxUp + maxDown, 100));
  const top = Math.ceil(maxUp / step) * step || step;
  const floor = Math.ceil(maxDown / step) * step;

  const chartH = 220;
  if (doc.y + chartH + 50 > bottom(doc)) doc.addPage();
  const x0 = MARGIN + 62;
  const y0 = doc.y + 12;
  const w = doc.page.width - MARGIN - x0;
  const scale = chartH / (top + floor);
  const zeroY = y0 + top * scale;
  doc.font("regular").fontSize(6.5).fillColor("#555555");
  for (let v = -floor; v <= top + step / 2; v += step) {
    const y = zeroY - v * scale;
    doc.moveTo(x0, y).lineTo(x0 + w, y).lineWidth(v === 0 ? 0.8 : 0.25).strokeColor(v === 0 ? "#333333" : "#d9d9d9").stroke();
    doc.text(formatYuan(Math.round(v), { symbol: false }).replace(/\.00$/, ""), MARGIN, y - 3, { width: 58, align: "right", lineBreak: false });
  }
  const slot = w / keys.length;
  const barW = Math.max(1, Math.min(24, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(keys.length / 16));
  keys.forEach((k, i) => {
    const x = x0 + i * slot + (slot - barW) / 2;
    let y = zeroY;
    channels.forEach((ch, ci) => {
      const h = (gross.get(k)?.get(ch) ?? 0) * scale;
      if (h > 0) {
        doc.rect(x, y - h, barW, h).fill(PALETTE[ci % PALETTE.length]);
        y -= h;
      }
    });
    const r = (refunded.get(k) ?? 0) * scale;
    if (r > 0) doc.rect(x, zeroY, barW, r).fill("#ff7875");
    if (i % labelEvery === 0) {
      doc.fillColor("#555555").fontSize(6).text(monthly ? k : k.slice(5), x0 + i * slot - 10, y0 + chartH + 4, {
        width: slot + 20,
        align: "center",
        lineBreak: false,
      });
    }
  });
  // Legend: channel colours and refunds.
  let lx = x0;
  const ly = y0 + chartH + 16;
  [...channels.map((ch, ci) => [channelLabel(ch), PALETTE[ci % PALETTE.length]]), ["退款", "#ff7875"]].forEach(([label, color]) => {
    doc.rect(lx, ly, 8, 8).fill(color);
    doc.fillColor("#333333").fontSize(7.5).text(label, lx + 11, ly, { lineBreak: false });
    lx += 20 + doc.widthOfString(label);
  });
  doc.x = MARGIN;
  doc.y = ly + 20;
}

async function firstRows<T>(batches: AsyncIterable<T[]>, limit: number): Promise<{ rows: T[]; more: boolean }> {
  const rows: T[] = [];
  for await (const b of batches) {
    for (const r of b) {
      if (rows.length === limit) return { rows, more: true };
      rows.push(r);
    }
  }
  return { rows, more: false };
}

function cover(doc: Doc, ctx: ReportContext, summary: ReportSummary, generatedAt: Date) {
  const { params, merchant } = ctx;
  doc.font("bold").fontSize(24).fillColor("#111111").text("收款对账报告", MARGIN, MARGIN + 10);
  doc.font("regular").fontSize(10).fillColor("#555555").text("LDXP Reconcile · 链动小铺 多渠道收款自动匹配");
  doc.moveDown(1.2);
  const info: [string, string][] = [
    ["商户", merchant.name],
    ["对账期间", `${params.from} 至 ${params.to}`],
    ["时区", merchant.timeZone],
    ["生成时间", `${ctx.fmt.dateTime(generatedAt)}（${merchant.timeZone}）`],
    ["渠道筛选", params.channel ? channelLabel(params.channel) : "全部渠道"],
    ["订单来源筛选", params.source ? sourceLabel(params.source) : "全部来源"],
    ["币种", ctx.query.currency],
    ...otherCurrencyNote(summary.otherCurrencies),
    ["口径", "收款按到账时间、退款按退款时间计入期间；已匹配 = 期间内收款分配到订单的金额；未匹配 = 收款 − 已匹配"],
  ];
  for (const [k, v] of info) {
    const y = doc.y;
    doc.font("bold").fontSize(10).fillColor("#111111").text(k, MARGIN, y, { width: 90 });
    doc.font("regular").text(v, MARGIN + 95, y, { width: doc.page.width - 2 * MARGIN - 95 });
    doc.moveDown(0.3);
  }
  doc.moveDown(0.8);
  heading(doc, "渠道汇总");
  table(doc, SUMMARY_COLUMNS, summaryLines(summary.channels, summary.totals), { totalsFrom: summary.channels.length });
  const t = summary.totals;
  doc.font("regular").fontSize(9).fillColor("#111111");
  doc.text(`收款 ${formatYuan(t.grossAmount)} − 退款 ${formatYuan(t.refundedAmount)} = 净额 ${formatYuan(t.netAmount)}`, MARGIN);
  doc.text(`已匹配 ${formatYuan(t.matchedAmount)} + 未匹配 ${formatYuan(t.unmatchedAmount)} = 收款 ${formatYuan(t.grossAmount)}`, MARGIN);
  if (summary.writeOffs.length) {
    const parts = summary.writeOffs.map((w) => `${writeOffCauseLabel(w.cause)} ${formatYuan(w.amount)}（${w.count} 笔）`);
    doc.text(`差额核销 ${formatYuan(t.writtenOffAmount)}：${parts.join("；")}`, MARGIN);
  }
}

/**
 * The reconciliation report as a PDF: cover with the parameters and channel summary, the daily
 * fund-flow chart and table, exceptions and matched lines (first {@link PDF_DETAIL_LIMIT} of each),
 * page numbers. Text is set in an embedded, subset CJK font, so Chinese survives any viewer.
 */
export async function renderReconciliationPdf(db: DbOrTx, ctx: ReportContext, opts: { generatedAt: Date }): Promise<Buffer> {
  const summary = await summarizeReconciliation(db, ctx);
  const exceptions = await firstRows<ExceptionRow>(exceptionBatches(db, ctx), PDF_DETAIL_LIMIT);
  const matched = await firstRows<MatchedRow>(matchedBatches(db, ctx), PDF_DETAIL_LIMIT);

  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: `收款对账报告 ${ctx.params.from} 至 ${ctx.params.to}`, Author: ctx.merchant.name, Creator: "LDXP Reconcile", CreationDate: opts.generatedAt },
  });
  const fonts = cjkFonts();
  doc.registerFont("regular", fonts.regular);
  doc.registerFont("bold", fonts.bold);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });

  cover(doc, ctx, summary, opts.generatedAt);

  doc.addPage();
  heading(doc, "每日资金流");
  fundFlowChart(doc, summary.daily, ctx.params.from, ctx.params.to);
  if (summary.daily.length) table(doc, DAILY_COLUMNS, summary.daily);

  const note = (shown: number, more: boolean) => {
    doc.font("regular").fontSize(8).fillColor("#555555");
    doc.text(more ? `仅列出前 ${shown} 行；完整明细请导出 XLSX 或 CSV。` : `共 ${shown} 行。`, MARGIN, doc.y - 6);
    doc.moveDown(0.6);
  };
  doc.addPage();
  heading(doc, "异常");
  note(exceptions.rows.length, exceptions.more);
  if (exceptions.rows.length) table(doc, printable(EXCEPTION_COLUMNS), exceptions.rows);
  heading(doc, "匹配明细");
  note(matched.rows.length, matched.more);
  if (matched.rows.length) table(doc, printable(MATCHED_COLUMNS), matched.rows);

  const pages = doc.bufferedPageRange();
  for (let i = pages.start; i < pages.start + pages.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would otherwise make pdfkit start a new page.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("regular").fontSize(8).fillColor("#888888");
    doc.text(`${ctx.merchant.name} · 对账报告 ${ctx.params.from} 至 ${ctx.params.to}`, MARGIN, doc.page.height - MARGIN, { lineBreak: false });
    doc.text(`第 ${i + 1} / ${pages.count} 页`, doc.page.width - MARGIN - 100, doc.page.height - MARGIN, { width: 100, align: "right", lineBreak: false });
    doc.page.margins.bottom = saved;
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
