import JSZip from "jszip";
import {
  csvHeader,
  csvLine,
  DAILY_COLUMNS,
  EXCEPTION_COLUMNS,
  MATCHED_COLUMNS,
  SECTION_TITLES,
  SUMMARY_COLUMNS,
  summaryLines,
  toCsv,
  UTF8_BOM,
  type ReconciliationReport,
  type SectionId,
} from "@/lib/core/reports";
import type { DbOrTx } from "@/lib/db/client";
import { exceptionBatches, matchedBatches, summarizeReconciliation, type ReportContext } from "@/lib/services/reports";

/** The four section CSVs of an in-memory report, keyed by section. */
export function reportCsvs(report: ReconciliationReport): Record<SectionId, string> {
  return {
    summary: toCsv(SUMMARY_COLUMNS, summaryLines(report.channels, report.totals)),
    matched: toCsv(MATCHED_COLUMNS, report.matched),
    exceptions: toCsv(EXCEPTION_COLUMNS, report.exceptions),
    daily: toCsv(DAILY_COLUMNS, report.daily),
  };
}

/** One zip holding 汇总.csv, 匹配明细.csv, 异常.csv and 资金流.csv (UTF-8 with BOM). */
export async function reportCsvZip(report: ReconciliationReport, generatedAt: Date): Promise<Uint8Array> {
  const zip = new JSZip();
  const csvs = reportCsvs(report);
  for (const id of Object.keys(csvs) as SectionId[]) {
    zip.file(`${SECTION_TITLES[id]}.csv`, csvs[id], { date: generatedAt });
  }
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/** One section as CSV text chunks, streamed from the database batch by batch. */
export async function* sectionCsvChunks(db: DbOrTx, ctx: ReportContext, section: SectionId): AsyncGenerator<string> {
  if (section === "matched") {
    yield UTF8_BOM + csvHeader(MATCHED_COLUMNS);
    for await (const batch of matchedBatches(db, ctx)) yield batch.map((r) => csvLine(MATCHED_COLUMNS, r)).join("");
  } else if (section === "exceptions") {
    yield UTF8_BOM + csvHeader(EXCEPTION_COLUMNS);
    for await (const batch of exceptionBatches(db, ctx)) yield batch.map((r) => csvLine(EXCEPTION_COLUMNS, r)).join("");
  } else {
    const summary = await summarizeReconciliation(db, ctx);
    yield section === "summary"
      ? toCsv(SUMMARY_COLUMNS, summaryLines(summary.channels, summary.totals))
      : toCsv(DAILY_COLUMNS, summary.daily);
  }
}

/** Adapts text chunks to a byte stream for a Response body (pulled, so a slow client slows the reads). */
export function textStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
