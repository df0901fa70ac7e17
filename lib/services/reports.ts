import { eq } from "drizzle-orm";
import { CHANNEL_NAMES } from "@/lib/core/channels/types";
import {
  anomalyException,
  amountMismatchException,
  buildReconciliationReport,
  createReportScope,
  createSummaryAccumulator,
  daysBetweenInclusive,
  isCalendarDate,
  paymentException,
  SECTION_IDS,
  toMatchedRow,
  zonedRange,
  type ExceptionRow,
  type MatchedRow,
  type ReconciliationReport,
  type ReportParams,
  type ReportSummary,
  type SectionId,
  type ZonedFormatter,
} from "@/lib/core/reports";
import { getDbHandle, type Db, type DbOrTx } from "@/lib/db/client";
import { merchants, orderSourceEnum } from "@/lib/db/schema";
import { ApiError, badRequest, notFound } from "@/lib/http/errors";
import { isSupportedCurrency } from "@/lib/core/money";
import {
  allocationBatches,
  collect,
  countReportPayments,
  loadOpenAnomalies,
  otherCurrencyTotals,
  paymentBatches,
  paymentBuckets,
  writeOffBuckets,
  refundBatches,
  refundBuckets,
  REPORT_BATCH_SIZE,
  type ReportQuery,
} from "@/lib/services/report-source";

/** Output formats of the reconciliation report. */
export const REPORT_FORMATS = ["json", "csv", "xlsx", "pdf"] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A validated `GET /api/v1/reports/reconciliation` query. */
export interface ReconciliationRequest {
  from: string;
  to: string;
  channel: string | null;
  source: string | null;
  format: ReportFormat;
  section: SectionId | null;
  /** The currency reported on (ISO 4217); null: the merchant's. Amounts in two currencies never add up. */
  currency?: string | null;
}

/** The `currency` parameter: an ISO 4217 code we keep amounts in, upper-cased, or null when not given. */
function currencyParam(query: URLSearchParams): string | null {
  const raw = query.get("currency");
  if (raw === null || raw.trim() === "") return null;
  const code = raw.trim().toUpperCase();
  if (!isSupportedCurrency(code)) throw badRequest(`currency: ${raw.slice(0, 20)} is not an ISO 4217 currency code`, "invalid_field");
  return code;
}

// A year (and a day for leap years) covers every statutory period an auditor asks for.
const MAX_RANGE_DAYS = 366;
const FIRST_DAY = "2000-01-01";
const LAST_DAY = "2099-12-31";
// JSON, PDF and the CSV zip are built in memory; beyond this many payments only the streaming
// formats (XLSX, single-section CSV) are offered.
export const MAX_IN_MEMORY_PAYMENTS = 200_000;

function oneOf<T extends string>(query: URLSearchParams, field: string, allowed: readonly T[], fallback: T | null): T | null {
  const v = query.get(field);
  if (v === null || v === "") return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw badRequest(`${field}: must be one of ${allowed.join(", ")}`, "invalid_field");
  return v as T;
}

/** Reads and checks the date range (`from`, `to`: YYYY-MM-DD, from ≤ to, at most 366 days). */
export function parseDateRange(url: URL | URLSearchParams): { from: string; to: string } {
  const query = url instanceof URL ? url.searchParams : url;
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  if (!isCalendarDate(from)) throw badRequest("from: must be a date written YYYY-MM-DD", "invalid_field");
  if (!isCalendarDate(to)) throw badRequest("to: must be a date written YYYY-MM-DD", "invalid_field");
  // Books are kept for years this side of 2000 and the next century: a day beyond is a typo, and the last
  // day of 9999 has no next day to end it.
  if (from < FIRST_DAY || from > LAST_DAY) throw badRequest(`from: must be a day from ${FIRST_DAY} to ${LAST_DAY}`, "invalid_field");
  if (to < FIRST_DAY || to > LAST_DAY) throw badRequest(`to: must be a day from ${FIRST_DAY} to ${LAST_DAY}`, "invalid_field");
  if (to < from) throw badRequest("to: must not be before from", "invalid_field");
  if (daysBetweenInclusive(from, to) > MAX_RANGE_DAYS) throw badRequest(`to: the range may cover at most ${MAX_RANGE_DAYS} days`, "invalid_field");
  return { from, to };
}

/** Validates the query string; every failure is a 400 naming the field. */
export function parseReconciliationRequest(url: URL | URLSearchParams): ReconciliationRequest {
  const query = url instanceof URL ? url.searchParams : url;
  const { from, to } = parseDateRange(query);
  const req: ReconciliationRequest = {
    from,
    to,
    channel: oneOf(query, "channel", CHANNEL_NAMES, null),
    source: oneOf(query, "source", orderSourceEnum.enumValues, null),
    format: oneOf(query, "format", REPORT_FORMATS, "json") ?? "json",
    section: oneOf(query, "section", SECTION_IDS, null),
    currency: currencyParam(query),
  };
  // The files are laid out in yuan (¥, two decimals, 人民币 vouchers); another currency's figures come as JSON.
  if (req.currency && req.currency !== "CNY" && req.format !== "json") {
    throw badRequest(`currency: the ${req.format.toUpperCase()} report is laid out in CNY; ask format=json for ${req.currency}`, "invalid_field");
  }
  return req;
}

/** The merchant, the range in its zone, and the SQL query a report reads. */
export interface ReportContext {
  merchant: { id: string; name: string; timeZone: string; currency: string; settings: Record<string, unknown> };
  params: ReportParams;
  query: ReportQuery;
  fmt: ZonedFormatter;
  /** Told how many source rows each pass has just read: a report job's progress (see {@link reportRowsTotal}). */
  onRowsRead?: (rows: number) => void;
}

/**
 * The source rows a full report covers, matching the calls to `onRowsRead`: payments and refunds
 * (summed by the database for the summary), allocations (匹配明细) and payments again (scanned for 异常).
 */
export const reportRowsTotal = (n: { payments: number; allocations: number; refunds: number }) => 2 * n.payments + n.refunds + n.allocations;

/** Resolves the merchant's zone and turns the local date range into UTC bounds. */
export async function getReportContext(
  db: DbOrTx,
  merchantId: string,
  req: Pick<ReconciliationRequest, "from" | "to" | "channel" | "source" | "currency">,
): Promise<ReportContext> {
  const [m] = await db.select().from(merchants).where(eq(merchants.id, merchantId)).limit(1);
  if (!m) throw notFound("Merchant");
  const params: ReportParams = { from: req.from, to: req.to, timeZone: m.timezone, channel: req.channel, source: req.source };
  const { start, end } = zonedRange(req.from, req.to, m.timezone);
  return {
    merchant: { id: m.id, name: m.name, timeZone: m.timezone, currency: m.currency, settings: m.settings },
    params,
    query: { merchantId, start, end, channel: req.channel, source: req.source, currency: req.currency ?? m.currency },
    fmt: createReportScope(params).fmt,
  };
}

/** Refuses a range too large to build in memory (413), pointing at the streaming formats. */
export async function assertFitsInMemory(db: DbOrTx, ctx: ReportContext): Promise<void> {
  const n = await countReportPayments(db, ctx.query);
  if (n > MAX_IN_MEMORY_PAYMENTS) {
    throw new ApiError(
      413,
      "report_too_large",
      `The range holds ${n} payments (more than ${MAX_IN_MEMORY_PAYMENTS}); use format=xlsx or format=csv&section=… which stream`,
    );
  }
}

/** The whole report in memory (the JSON format): rows loaded, then the pure builder. */
export async function getReconciliationReport(db: DbOrTx, ctx: ReportContext): Promise<ReconciliationReport> {
  const [payments, allocations, refunds, anomalies] = [
    await collect(paymentBatches(db, ctx.query)),
    await collect(allocationBatches(db, ctx.query)),
    await collect(refundBatches(db, ctx.query)),
    await loadOpenAnomalies(db, ctx.query),
  ];
  const writeOffs = await writeOffBuckets(db, ctx.query);
  const report = buildReconciliationReport({ params: ctx.params, currency: ctx.query.currency, payments, allocations, refunds, anomalies, writeOffs });
  return { ...report, otherCurrencies: await otherCurrencyTotals(db, ctx.query) };
}

/** Streams the matched lines in batches (匹配明细). */
export async function* matchedBatches(db: DbOrTx, ctx: ReportContext): AsyncGenerator<MatchedRow[]> {
  for await (const batch of allocationBatches(db, ctx.query)) {
    ctx.onRowsRead?.(batch.length);
    yield batch.map((a) => toMatchedRow(a, ctx.fmt));
  }
}

/**
 * Streams the exception lines in the builder's order: payments with unallocated money, orders paid
 * the wrong amount, open anomalies.
 */
export async function* exceptionBatches(db: DbOrTx, ctx: ReportContext): AsyncGenerator<ExceptionRow[]> {
  // The database keeps only the payments with unallocated money; progress counts the whole scan.
  for await (const batch of paymentBatches(db, ctx.query, REPORT_BATCH_SIZE, { unallocatedOnly: true })) {
    const out: ExceptionRow[] = [];
    for (const p of batch) {
      const e = paymentException(p, ctx.fmt);
      if (e) out.push(e);
    }
    if (out.length) yield out;
  }
  ctx.onRowsRead?.(await countReportPayments(db, ctx.query));
  const seenOrders = new Set<string>();
  for await (const batch of allocationBatches(db, ctx.query, { mismatchedOrdersOnly: true })) {
    const out: ExceptionRow[] = [];
    for (const a of batch) {
      const e = amountMismatchException(a, ctx.fmt);
      if (e && !seenOrders.has(a.orderReference)) {
        seenOrders.add(a.orderReference);
        out.push(e);
      }
    }
    if (out.length) yield out;
  }
  const anomalies = await loadOpenAnomalies(db, ctx.query);
  if (anomalies.length) yield anomalies.map((a) => anomalyException(a, ctx.fmt));
}

/**
 * The summary (channels, totals, daily) in constant memory: the database sums payments and refunds
 * per channel and UTC quarter hour, and the core accumulator dates and folds those sums as it
 * would single rows, so the figures are the JSON builder's by construction.
 */
export async function summarizeReconciliation(db: DbOrTx, ctx: ReportContext): Promise<ReportSummary> {
  const summary = createSummaryAccumulator(ctx.params);
  for (const b of await paymentBuckets(db, ctx.query)) {
    summary.addPaymentBucket(b);
    ctx.onRowsRead?.(b.count);
  }
  for (const b of await refundBuckets(db, ctx.query)) {
    summary.addRefundBucket(b);
    ctx.onRowsRead?.(b.count);
  }
  for (const b of await writeOffBuckets(db, ctx.query)) summary.addWriteOffBucket(b);
  return { ...summary.result(), otherCurrencies: await otherCurrencyTotals(db, ctx.query) };
}

/**
 * Runs a report's reads in one read-only REPEATABLE READ snapshot, so its several passes (summary,
 * details) see the same rows even while payments keep arriving. Not on PGlite: its single
 * connection would be held against every webhook for the length of the report.
 */
export async function inReportSnapshot<T>(db: Db, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  if ((await getDbHandle()).driver === "pglite") return fn(db);
  return db.transaction(fn, { isolationLevel: "repeatable read", accessMode: "read only" });
}

// RFC 5987 attr-char excludes ' ( ) * which encodeURIComponent leaves alone.
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `attachment` with an ASCII fallback name and the real (Chinese) name as `filename*=UTF-8''…`. */
export function contentDisposition(asciiName: string, utf8Name: string): string {
  return `attachment; filename="${asciiName.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${rfc5987(utf8Name)}`;
}

/** File names of a report download: ASCII fallback and the Chinese name. */
export function reportFileNames(req: Pick<ReconciliationRequest, "from" | "to">, ext: string, section?: SectionId | null, titles?: Record<SectionId, string>) {
  const part = section ? `-${section}` : "";
  const zhPart = section && titles ? `_${titles[section]}` : "";
  return {
    ascii: `reconciliation-${req.from}_${req.to}${part}.${ext}`,
    utf8: `对账报告_${req.from}_${req.to}${zhPart}.${ext}`,
  };
}
