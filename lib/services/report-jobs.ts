// Report jobs: a report over a large range is built in the background and downloaded when ready.
// Their state lives in files, not in a table: `<reportsDir>/<merchantId>/<jobId>.json` (status,
// written atomically) beside `<jobId>.report.<ext>` (the output, renamed into place only when complete).
// Several app instances must therefore share the reports directory (see README).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readConfig } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { badRequest, conflict, notFound } from "@/lib/http/errors";
import { logger } from "@/lib/log";
import { countReportRows } from "@/lib/services/report-source";
import { renderReport, reportDownloadHeaders } from "@/lib/services/report-response";
import { assertFitsInMemory, getReportContext, parseReconciliationRequest, reportRowsTotal, type ReconciliationRequest, type ReportFormat } from "@/lib/services/reports";
import { isUuid } from "@/lib/core/ids";

export type ReportJobStatus = "queued" | "running" | "ready" | "failed";

/** What a job's status file holds. */
export interface ReportJob {
  jobId: string;
  merchantId: string;
  /** The user who asked for it. */
  createdBy: string;
  params: { from: string; to: string; channel: string | null; source: string | null; format: ReportFormat; currency?: string | null };
  status: ReportJobStatus;
  /** Source rows read so far and in all (see `reportRowsTotal`). */
  progress: { rows: number; total: number };
  error: string | null;
  /** The output once ready: its HTTP type and extension. */
  file: { type: string; ext: string; bytes: number } | null;
  createdAt: string;
  /** Also the heartbeat: a running job rewrites its status at least every {@link HEARTBEAT_MS}. */
  updatedAt: string;
}

/** What the board sees of a job. */
export type ReportJobView = Omit<ReportJob, "merchantId" | "createdBy" | "file"> & { downloadUrl: string | null };

const HEARTBEAT_MS = 5_000;
// A running job whose status has not been rewritten for this long lost its process (a restart, a
// crash). It is marked failed on the next status read rather than resumed: the embedded runner has
// nothing that would resume it, and asking again is one click. Under Inngest a retried step still
// rebuilds a job that is marked running when the retry comes.
const RUNNING_STALE_MS = 60_000;
// A queued job waits for an Inngest worker; one that never starts (event lost) fails after this.
const QUEUED_STALE_MS = 15 * 60_000;
const PROGRESS_WRITE_MS = 500;
// Files are kept for a week, enough to fetch a month's report again; older ones go when the merchant asks for a new one
// and with the periodic sweep (pruneAllReportJobs).
const KEEP_MS = 7 * 86_400_000;
// A build's temporary files (`.part`, `.tmp`) a crash left behind: no build runs for a day.
const LEFTOVER_MS = 86_400_000;

function jobPaths(merchantId: string, jobId: string) {
  // Both ids become path segments: only UUIDs may, so no id can walk out of the merchant's folder.
  if (!isUuid(merchantId) || !isUuid(jobId)) return null;
  // turbopackIgnore: runtime data, not sources; without it the build traces the whole project into the server bundle.
  const dir = path.join(/*turbopackIgnore: true*/ readConfig().reportsDir, merchantId);
  return {
    dir,
    status: path.join(/*turbopackIgnore: true*/ dir, `${jobId}.json`),
    // Not `<jobId>.<ext>`: a JSON report would be written over its own status file.
    output: (ext: string) => path.join(/*turbopackIgnore: true*/ dir, `${jobId}.report.${ext}`),
    /** Where jobs made before the output got its own name kept it (never for JSON). */
    legacyOutput: (ext: string) => path.join(/*turbopackIgnore: true*/ dir, `${jobId}.${ext}`),
  };
}

/** Replaces a file whole: a reader (another request, another instance) never sees half a status. */
async function writeAtomically(file: string, data: string | Uint8Array) {
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  await fs.promises.writeFile(tmp, data);
  await fs.promises.rename(tmp, file);
}

const saveJob = (job: ReportJob) => writeAtomically(jobPaths(job.merchantId, job.jobId)!.status, JSON.stringify(job));

async function loadJob(merchantId: string, jobId: string): Promise<ReportJob | null> {
  const paths = jobPaths(merchantId, jobId);
  if (!paths) return null;
  try {
    const job = JSON.parse(await fs.promises.readFile(paths.status, "utf8")) as ReportJob;
    return job.merchantId === merchantId ? job : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

function view(job: ReportJob): ReportJobView {
  const { jobId, params, status, progress, error, createdAt, updatedAt } = job;
  return { jobId, params, status, progress, error, createdAt, updatedAt, downloadUrl: status === "ready" ? `/api/app/reports/jobs/${jobId}/download` : null };
}

async function pruneOldJobs(dir: string, now: Date): Promise<number> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const file = path.join(/*turbopackIgnore: true*/ dir, name);
    const stat = await fs.promises.stat(file).catch(() => null);
    const keep = /\.(part|tmp)$/.test(name) ? LEFTOVER_MS : KEEP_MS;
    if (stat?.isFile() && now.getTime() - stat.mtimeMs > keep) {
      await fs.promises.rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Every merchant's report files past keeping (a week), and builds' temporary files a crash left (a day):
 * run by the periodic sweep, so a merchant who asks for no new report does not keep old files forever.
 */
export async function pruneAllReportJobs(now: Date): Promise<number> {
  const root = readConfig().reportsDir;
  let merchants: string[];
  try {
    merchants = await fs.promises.readdir(root);
  } catch {
    return 0;
  }
  let removed = 0;
  // Only merchant folders (UUID names) are the jobs' own: anything else in the directory is left alone.
  for (const merchantId of merchants.filter(isUuid)) removed += await pruneOldJobs(path.join(/*turbopackIgnore: true*/ root, merchantId), now);
  return removed;
}

/** Validates a board request (the v1 query parameters, as JSON); every failure is a 400 naming the field. */
export function parseReportRequest(body: unknown): ReconciliationRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw badRequest("body: must be a JSON object", "invalid_field");
  const query = new URLSearchParams();
  for (const field of ["from", "to", "format", "channel", "source", "currency"] as const) {
    const v = (body as Record<string, unknown>)[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") throw badRequest(`${field}: must be a string`, "invalid_field");
    query.set(field, v);
  }
  if (!query.has("format")) query.set("format", "xlsx");
  // The board asks for whole reports; one section is the v1 API's business.
  return { ...parseReconciliationRequest(query), section: null };
}

/** Writes a new queued job's status file; the caller dispatches it. */
export async function createReportJob(
  db: Db,
  input: { merchantId: string; userId: string; req: ReconciliationRequest },
  now = new Date(),
): Promise<ReportJob> {
  const { merchantId, userId, req } = input;
  const ctx = await getReportContext(db, merchantId, req);
  // JSON and the CSV zip are built in memory even in a job: refuse now rather than fail later.
  if (req.format === "json" || req.format === "csv") await assertFitsInMemory(db, ctx);
  const jobId = crypto.randomUUID();
  const paths = jobPaths(merchantId, jobId)!;
  await fs.promises.mkdir(paths.dir, { recursive: true });
  await pruneOldJobs(paths.dir, now);
  const job: ReportJob = {
    jobId,
    merchantId,
    createdBy: userId,
    params: { from: req.from, to: req.to, channel: req.channel, source: req.source, format: req.format, currency: req.currency ?? null },
    status: "queued",
    progress: { rows: 0, total: reportRowsTotal(await countReportRows(db, ctx.query)) },
    error: null,
    file: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await saveJob(job);
  return job;
}

/**
 * Builds a job's report into its output file, rewriting the status as rows are read. Idempotent: a
 * job already ready or failed is left alone (an Inngest retry after a failure marked by a status
 * read does not bring it back); a job still marked running is built again from the start.
 */
export async function runReportJob(db: Db, data: { merchantId: string; jobId: string }): Promise<{ status: ReportJobStatus; bytes: number | null }> {
  const job = await loadJob(data.merchantId, data.jobId);
  if (!job) throw notFound("Report job");
  if (job.status === "ready" || job.status === "failed") return { status: job.status, bytes: job.file?.bytes ?? null };
  const paths = jobPaths(job.merchantId, job.jobId)!;
  let lastWrite = 0;
  // Status writes are chained so two never rename over each other out of order.
  let writes = Promise.resolve();
  const save = (patch: Partial<ReportJob>) => {
    Object.assign(job, patch, { updatedAt: new Date().toISOString() });
    const snapshot = structuredClone(job);
    lastWrite = Date.now();
    writes = writes.then(() => saveJob(snapshot)).catch((err) => logger.warn({ err, jobId: job.jobId }, "report job status not written"));
    return writes;
  };
  let partial: string | null = null;
  const heartbeat = setInterval(() => void save({}), HEARTBEAT_MS);
  heartbeat.unref();
  try {
    await save({ status: "running", progress: { ...job.progress, rows: 0 } });
    const req: ReconciliationRequest = { ...job.params, section: null };
    const ctx = await getReportContext(db, job.merchantId, req);
    ctx.onRowsRead = (n) => {
      job.progress.rows += n;
      if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) void save({});
    };
    const rendered = await renderReport(db, ctx, req, new Date(job.createdAt), { wait: true });
    partial = `${paths.output(rendered.ext)}.part`;
    const source = rendered.body instanceof ReadableStream ? Readable.fromWeb(rendered.body as import("node:stream/web").ReadableStream) : Readable.from([rendered.body]);
    await pipeline(source, fs.createWriteStream(partial));
    await fs.promises.rename(partial, paths.output(rendered.ext));
    const { size } = await fs.promises.stat(paths.output(rendered.ext));
    clearInterval(heartbeat);
    await save({ status: "ready", progress: { rows: job.progress.total, total: job.progress.total }, file: { type: rendered.type, ext: rendered.ext, bytes: size } });
    return { status: "ready", bytes: size };
  } catch (err) {
    clearInterval(heartbeat);
    if (partial) await fs.promises.rm(partial, { force: true });
    logger.error({ err, merchantId: job.merchantId, jobId: job.jobId }, "report job failed");
    await save({ status: "failed", error: err instanceof Error ? err.message : String(err) });
    return { status: "failed", bytes: null };
  }
}

/** A job's status as the merchant may see it; 404 for an unknown id or another merchant's job. */
export async function getReportJob(merchantId: string, jobId: string, now = new Date()): Promise<ReportJobView> {
  const job = await loadJob(merchantId, jobId);
  if (!job) throw notFound("Report job");
  const silentFor = now.getTime() - Date.parse(job.updatedAt);
  if ((job.status === "running" && silentFor > RUNNING_STALE_MS) || (job.status === "queued" && silentFor > QUEUED_STALE_MS)) {
    Object.assign(job, { status: "failed", error: "interrupted: the process building the report stopped; please generate it again", updatedAt: now.toISOString() });
    await saveJob(job);
  }
  return view(job);
}

/** The finished file as a download; 404 for an unknown or foreign job, 409 while it is not ready. */
export async function reportJobDownload(merchantId: string, jobId: string): Promise<Response> {
  const job = await loadJob(merchantId, jobId);
  if (!job) throw notFound("Report job");
  if (job.status !== "ready" || !job.file) throw conflict(`The report is ${job.status}, not ready to download`, "report_not_ready");
  const paths = jobPaths(merchantId, jobId)!;
  const exists = async (f: string) => !!(await fs.promises.stat(f).catch(() => null));
  let file = paths.output(job.file.ext);
  if (!(await exists(file))) {
    file = paths.legacyOutput(job.file.ext);
    if (job.file.ext === "json" || !(await exists(file))) throw notFound("Report file");
  }
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: { ...reportDownloadHeaders(job.params, { type: job.file.type, ext: job.file.ext, section: null }), "content-length": String(job.file.bytes) },
  });
}
