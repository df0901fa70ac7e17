import { PassThrough, Readable } from "node:stream";
import { SECTION_TITLES } from "@/lib/core/reports";
import type { Db } from "@/lib/db/client";
import { logger } from "@/lib/log";
import { reportCsvZip, sectionCsvChunks, textStream } from "@/lib/services/report-csv";
import { renderReconciliationPdf } from "@/lib/services/report-pdf";
import { writeReconciliationXlsx } from "@/lib/services/report-xlsx";
import {
  assertFitsInMemory,
  contentDisposition,
  getReconciliationReport,
  getReportContext,
  inReportSnapshot,
  parseReconciliationRequest,
  reportFileNames,
} from "@/lib/services/reports";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * `GET /api/v1/reports/reconciliation`: validates the query, then answers in the asked format.
 * XLSX and single-section CSV stream from the database; JSON, PDF and the CSV zip are built in memory.
 */
export async function reconciliationResponse(db: Db, merchantId: string, url: URL, now = new Date()): Promise<Response> {
  const req = parseReconciliationRequest(url);
  const ctx = await getReportContext(db, merchantId, req);
  const download = (body: BodyInit, type: string, ext: string, section = req.section) => {
    const names = reportFileNames(req, ext, section, SECTION_TITLES);
    return new Response(body, {
      headers: { "content-type": type, "content-disposition": contentDisposition(names.ascii, names.utf8), "cache-control": "no-store" },
    });
  };
  switch (req.format) {
    case "json":
      await assertFitsInMemory(db, ctx);
      return Response.json({ ...(await inReportSnapshot(db, (tx) => getReconciliationReport(tx, ctx))), generatedAt: ctx.fmt.rfc3339(now) });
    case "csv": {
      if (req.section) return download(textStream(sectionCsvChunks(db, ctx, req.section)), "text/csv; charset=utf-8", "csv");
      await assertFitsInMemory(db, ctx);
      const report = await inReportSnapshot(db, (tx) => getReconciliationReport(tx, ctx));
      return download(new Uint8Array(await reportCsvZip(report, now)), "application/zip", "zip", null);
    }
    case "pdf": {
      const pdf = await inReportSnapshot(db, (tx) => renderReconciliationPdf(tx, ctx, { generatedAt: now }));
      return download(new Uint8Array(pdf), "application/pdf", "pdf", null);
    }
    case "xlsx": {
      const out = new PassThrough();
      inReportSnapshot(db, (tx) => writeReconciliationXlsx(tx, ctx, out, { generatedAt: now })).catch((err) => {
        logger.error({ err, merchantId }, "xlsx report failed while streaming");
        out.destroy(err);
      });
      return download(Readable.toWeb(out) as ReadableStream<Uint8Array>, XLSX_TYPE, "xlsx", null);
    }
  }
}
