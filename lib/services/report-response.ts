import { PassThrough, Readable } from "node:stream";
import { SECTION_TITLES, type SectionId } from "@/lib/core/reports";
import type { Db } from "@/lib/db/client";
import { rateLimited } from "@/lib/http/errors";
import { logger } from "@/lib/log";
import { reportCsvZip, sectionCsvChunks, textStream } from "@/lib/services/report-csv";
import { renderReconciliationPdf } from "@/lib/services/report-pdf";
import { reportSlots, type Release } from "@/lib/services/report-slots";
import { writeReconciliationXlsx } from "@/lib/services/report-xlsx";
import {
  assertFitsInMemory,
  contentDisposition,
  getReconciliationReport,
  getReportContext,
  inReportSnapshot,
  parseReconciliationRequest,
  reportFileNames,
  type ReconciliationRequest,
  type ReportContext,
} from "@/lib/services/reports";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A rendered report: its bytes (XLSX and single-section CSV as a stream from the database) and how to name them. */
export interface RenderedReport {
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  type: string;
  ext: string;
  section: SectionId | null;
}

/**
 * Renders a report in the asked format; the one body both the download routes and report jobs use.
 * XLSX and single-section CSV stream from the database; JSON, PDF and the CSV zip are built in memory
 * (JSON and the zip refused with a 413 for ranges too large for that). Each holds one of the process's
 * report slots until its last byte is read or the reader goes away: a download finding none free is
 * 429 (try again shortly), a background job (`wait`) waits its turn.
 */
export async function renderReport(db: Db, ctx: ReportContext, req: ReconciliationRequest, now: Date, opts: { wait?: boolean } = {}): Promise<RenderedReport> {
  const slots = reportSlots();
  const release = opts.wait ? await slots.take() : slots.tryTake();
  if (!release) throw rateLimited(RETRY_WHEN_BUSY_S, "reports rendering at once");
  let streaming = false;
  try {
    switch (req.format) {
      case "json": {
        await assertFitsInMemory(db, ctx);
        const report = await inReportSnapshot(db, (tx) => getReconciliationReport(tx, ctx));
        return { body: new TextEncoder().encode(JSON.stringify({ ...report, generatedAt: ctx.fmt.rfc3339(now) })), type: "application/json", ext: "json", section: null };
      }
      case "csv": {
        if (req.section) {
          streaming = true;
          return { body: textStream(releasing(sectionCsvChunks(db, ctx, req.section), release)), type: "text/csv; charset=utf-8", ext: "csv", section: req.section };
        }
        await assertFitsInMemory(db, ctx);
        const report = await inReportSnapshot(db, (tx) => getReconciliationReport(tx, ctx));
        return { body: new Uint8Array(await reportCsvZip(report, now)), type: "application/zip", ext: "zip", section: null };
      }
      case "pdf": {
        const pdf = await inReportSnapshot(db, (tx) => renderReconciliationPdf(tx, ctx, { generatedAt: now }));
        return { body: new Uint8Array(pdf), type: "application/pdf", ext: "pdf", section: null };
      }
      case "xlsx": {
        const out = new PassThrough();
        streaming = true;
        // Written until the last row or until the reader goes away (the stream destroyed fails the write).
        inReportSnapshot(db, (tx) => writeReconciliationXlsx(tx, ctx, out, { generatedAt: now }))
          .catch((err) => {
            logger.error({ err, merchantId: ctx.merchant.id }, "xlsx report failed while streaming");
            out.destroy(err);
          })
          .finally(release);
        return { body: Readable.toWeb(out) as ReadableStream<Uint8Array>, type: XLSX_TYPE, ext: "xlsx", section: null };
      }
    }
    throw new Error(`unknown report format ${String(req.format)}`);
  } finally {
    if (!streaming) release();
  }
}

/** Seconds a download refused for want of a slot is told to wait. */
const RETRY_WHEN_BUSY_S = 5;

/** The chunks, giving the slot back when they end: read to the last, failed, or cancelled by the reader. */
async function* releasing(chunks: AsyncGenerator<string>, release: Release): AsyncGenerator<string> {
  try {
    yield* chunks;
  } finally {
    release();
  }
}

/** The download headers of a report file: type, attachment name (ASCII fallback + RFC 5987 Chinese name), no caching. */
export function reportDownloadHeaders(req: Pick<ReconciliationRequest, "from" | "to">, rendered: Pick<RenderedReport, "type" | "ext" | "section">): Record<string, string> {
  const names = reportFileNames(req, rendered.ext, rendered.section, SECTION_TITLES);
  return { "content-type": rendered.type, "content-disposition": contentDisposition(names.ascii, names.utf8), "cache-control": "no-store" };
}

/**
 * `GET /api/v1/reports/reconciliation` and the board's session download: validates the query, then
 * answers in the asked format (JSON as a plain body, every other format as an attachment).
 */
export async function reconciliationResponse(db: Db, merchantId: string, url: URL, now = new Date()): Promise<Response> {
  const req = parseReconciliationRequest(url);
  const ctx = await getReportContext(db, merchantId, req);
  const rendered = await renderReport(db, ctx, req, now);
  if (req.format === "json") return new Response(rendered.body, { headers: { "content-type": "application/json" } });
  return new Response(rendered.body, { headers: reportDownloadHeaders(req, rendered) });
}
