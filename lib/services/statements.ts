import crypto from "node:crypto";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { ChannelName, PaymentEvent, RefundEvent } from "@/lib/core/channels/types";
import {
  BANK_FORMATS,
  streamStatement,
  StatementFormatError,
  type RejectedLine,
  type StatementFormat,
  type StatementLine,
} from "@/lib/core/statements";
import { rowsOf, type Db, type DbOrTx } from "@/lib/db/client";
import { appendAuditEvents, type Actor, type AuditInput } from "@/lib/db/queries/audit";
import { channelAccounts, payments, statements, type Payment } from "@/lib/db/schema";
import { badRequest, notFound } from "@/lib/http/errors";
import { logger } from "@/lib/log";
import { matchPayments } from "@/lib/services/match-payment";
import { recordRefund } from "@/lib/services/refunds";
import { finishBulkMatches } from "@/lib/services/statement-bulk-match";
import {
  arrayLiteral,
  prepareStatementBatch,
  STATEMENT_BATCH_SIZE,
  STATEMENT_FIRST_BATCH_SIZE,
  writeStatementBatch,
  type StatementPaymentInput,
} from "@/lib/services/statement-payments";
import { bulkCandidate } from "@/lib/core/matching/bulk";
import { redactAccount } from "@/lib/core/masking";
import { RawColumns } from "@/lib/core/statements/raw";
import { roundedNumberCells } from "@/lib/services/upload-archive";

export interface ImportStatementParams {
  merchantId: string;
  channelAccountId: string;
  format: StatementFormat | "auto";
  bytes: Uint8Array;
  actor: Actor;
  now: Date;
}

export interface ImportStatementResult {
  statementId: string;
  format: StatementFormat;
  imported: number;
  duplicates: number;
  /** Lines read but not recorded as payments: money going out and the bank's reversals (a bill's refunds are counted in `refunds`). */
  skipped: number;
  /** Payments first recorded by a notify that this bill confirmed now. */
  confirmed: number;
  refunds: number;
  matched: number;
  suggested: number;
  unmatched: number;
  rejected: RejectedLine[];
  /** All rejected lines; `rejected` lists at most MAX_LISTED_REJECTIONS of them. */
  rejectedCount: number;
}

// A wrong file can reject hundreds of thousands of lines: the answer and the statement row list the first ones.
export const MAX_LISTED_REJECTIONS = 1000;

/** The channel an account must have for a format: banks for statements, the issuing channel for bills. */
function channelFor(format: StatementFormat): ChannelName {
  if (format === "alipay-bill") return "alipay";
  if (format === "wechat-bill") return "wechatpay";
  return "bank";
}

function assertAccountFits(format: StatementFormat, channel: ChannelName) {
  const needed = channelFor(format);
  if (channel !== needed) {
    throw badRequest(`channelAccountId: a ${format} file belongs to a ${needed} account, this account is ${channel}`, "invalid_field");
  }
}

const sha256 = (data: Uint8Array | string) => crypto.createHash("sha256").update(data).digest("hex");

/**
 * Dedupe keys of bank lines: (serial or end-to-end id, booked date, amount) within the account. The
 * serial alone is not unique (PostFinance repeats AcctSvcrRef on different entries), so the date and
 * amount are part of the key. A line with neither serial nor end-to-end id (Volksbank, ABN AMRO, ASN
 * MT940) is keyed on its content (payer, account, memo) plus its occurrence number among identical
 * lines of the file: re-importing the file, or another file covering the same days, finds the same keys.
 */
function bankDedupeKeyer(): (l: StatementLine) => string {
  const seen = new Map<string, number>();
  return (l) => {
    const when = `${l.bookedDate}|${l.amount}${l.currency}`;
    if (l.bankSerial) return serialKey(l.bankSerial, l);
    if (l.endToEndId) return `e2e:${l.endToEndId}|${when}`;
    const content = `content:${sha256(JSON.stringify([l.payerName, l.payerAccount, l.memo])).slice(0, 32)}|${when}`;
    const n = (seen.get(content) ?? 0) + 1;
    seen.set(content, n);
    return `${content}#${n}`;
  };
}

/**
 * A line as its serial can be trusted. A workbook cell that held the serial as a number longer than Excel keeps
 * (15 digits) shows Excel's rounding: two transfers of one day and amount would get one key and the second be
 * dropped as a duplicate. A bank line then goes without its serial (keyed on its content, as lines with none are);
 * a bill's line, whose serial is the only name of its transaction, is refused and says how to keep the digits.
 */
function withExactSerial(l: StatementLine, rounded: ReadonlyMap<number, readonly number[]>, isBill: boolean): { line: StatementLine } | { rejected: RejectedLine } {
  const serial = l.bankSerial;
  if (!serial || !rounded.get(l.lineNo)?.length || !/^\d{16,}$/.test(serial) || Number.isSafeInteger(Number(serial))) return { line: l };
  const why = `serial ${serial} was saved by Excel as a number and lost its last digits`;
  if (isBill) return { rejected: { line: l.lineNo, message: `${why}: not imported; upload the bill as the channel exported it (CSV), or format the column as Text` } };
  return { line: { ...l, bankSerial: null, details: { ...l.details, serialAsSaved: serial } } };
}

const serialKey = (serial: string, l: Pick<StatementLine, "bookedDate" | "amount" | "currency">) => `serial:${serial}|${l.bookedDate}|${l.amount}${l.currency}`;

/** The key the whole batch has when a file books it as one line: its entry's serial, date and total. */
const batchKeyOf = (l: StatementLine) => (l.batchTotal ? serialKey(l.batchTotal.bankSerial, { ...l, amount: l.batchTotal.amount }) : null);

/**
 * The lines of a batch that another file already recorded as the same money, by dedupe key: a batch
 * booked as one line (camt.053's total) when its transactions were recorded one by one (camt.054's
 * details, which carry the total's key as details.batchKey), and the transactions when their total
 * was. Whichever came first stands (a person may have matched it); the later file's lines are duplicates.
 */
async function coveredByAnotherFile(tx: DbOrTx, channelAccountId: string, keyed: { line: StatementLine; key: string }[]): Promise<Set<string>> {
  const parts = keyed.filter((k) => k.line.batchTotal);
  const wholes = keyed.filter((k) => !k.line.batchTotal && k.line.bankSerial).map((k) => k.key);
  const covered = new Set<string>();
  if (parts.length) {
    const totals = await tx
      .select({ key: payments.dedupeKey })
      .from(payments)
      .where(and(eq(payments.channelAccountId, channelAccountId), inArray(payments.dedupeKey, [...new Set(parts.map((k) => batchKeyOf(k.line)!))])));
    const recorded = new Set(totals.map((t) => t.key));
    for (const k of parts) if (recorded.has(batchKeyOf(k.line)!)) covered.add(k.key);
  }
  if (wholes.length) {
    // payments_batch_key_idx holds the split transactions only, so this probes a small index.
    const split = rowsOf<{ key: string }>(
      await tx.execute(sql`select distinct details->>'batchKey' as key from payments
        where channel_account_id = ${channelAccountId} and details ? 'batchKey' and details->>'batchKey' = any(${arrayLiteral(wholes)}::text[])`),
    );
    for (const r of split) covered.add(r.key);
  }
  return covered;
}

function paymentEvent(l: StatementLine, channel: ChannelName, dedupeKey: string, rawColumns: RawColumns): PaymentEvent {
  return {
    kind: "payment",
    channel,
    // The contract's channelTransactionId is the bank's serial; a line without one is identified by its key.
    channelTransactionId: l.bankSerial ?? dedupeKey,
    reference: l.reference,
    amount: l.amount,
    currency: l.currency,
    receivedAt: l.bookedAt,
    payerName: l.payerName,
    payerAccount: l.payerAccount,
    memo: l.memo,
    merchantAccountId: null,
    sellerId: null,
    // The statement (statement_id) holds what every line shares: the format, the names of the raw values.
    details: {
      ...l.details,
      statementLine: l.lineNo,
      bookedDate: l.bookedDate,
      ...(l.valueDate ? { valueDate: l.valueDate } : {}),
      ...(l.endToEndId ? { endToEndId: l.endToEndId } : {}),
      ...(l.batchTotal ? { batchKey: batchKeyOf(l) } : {}),
      raw: rawColumns.values(redactAccount(l.raw, l.payerAccount)),
    },
  };
}

function refundEvent(l: StatementLine, channel: ChannelName): RefundEvent {
  return {
    kind: "refund",
    channel,
    channelTransactionId: l.bankSerial ?? "",
    channelRefundId: l.refundId ?? "",
    reference: l.reference,
    cumulativeRefundedAmount: null,
    amount: l.amount,
    refundedAt: l.bookedAt,
    closesPayment: false,
    details: { ...l.details, source: "bill", statementLine: l.lineNo },
  };
}

/** A bill line confirms a payment a notify recorded: stamp it, and flag a different amount for the anomaly sweep. */
async function confirmByBill(tx: DbOrTx, payment: Payment, billAmount: number, statementId: string, now: Date) {
  const details: Record<string, unknown> = { ...payment.details, billAmount };
  if (billAmount !== payment.amount) {
    details.billMismatch = { billAmount, recordedAmount: payment.amount, difference: billAmount - payment.amount };
  }
  await tx.update(payments).set({ confirmedByBillAt: now, confirmedByStatementId: statementId, details }).where(eq(payments.id, payment.id));
}

/**
 * Imports a bank statement or channel bill into one statement row and its payments, all in one
 * transaction: credits become payments (deduplicated, so a second import of the same file records
 * nothing), bill refund rows become refunds of their payments, a bill row confirms the payment its
 * notify recorded. New payments are then matched in bulk (matchPayments), and the counts are read
 * back from their statuses.
 */
export async function importStatement(db: Db, params: ImportStatementParams): Promise<ImportStatementResult> {
  try {
    return await importStatementStream(db, params);
  } catch (error) {
    // A file that is not the format at all is found out on its first lines, before anything is written.
    if (error instanceof StatementFormatError) throw badRequest(`body: ${error.message}`, "invalid_statement");
    throw error;
  }
}

async function importStatementStream(db: Db, params: ImportStatementParams): Promise<ImportStatementResult> {
  const [account] = await db
    .select({ id: channelAccounts.id, channel: channelAccounts.channel })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.id, params.channelAccountId), eq(channelAccounts.merchantId, params.merchantId)))
    .limit(1);
  if (!account) throw notFound("Channel account");
  if (params.format !== "auto") assertAccountFits(params.format, account.channel);
  const stream = streamStatement(params.format, params.bytes);
  const format = stream.format;
  assertAccountFits(format, account.channel);
  const isBill = !BANK_FORMATS.includes(format);
  // Only camt books a batch both ways (one line in a statement, transaction by transaction in a notification).
  const booksBatches = format === "camt053" || format === "camt054";
  const keyOf = isBill ? (l: StatementLine) => l.bankSerial ?? "" : bankDedupeKeyer();
  const fileSha256 = sha256(params.bytes);
  // Cells of a workbook that held whole numbers too long for Excel to keep (a 19-digit serial saved as a number).
  const rounded = roundedNumberCells(params.bytes);
  let rejectedCount = 0;
  const rejected: RejectedLine[] = [];
  const reject = (r: RejectedLine) => {
    rejectedCount++;
    if (rejected.length < MAX_LISTED_REJECTIONS) rejected.push(r);
  };
  const outcome = await db.transaction(async (tx) => {
    // A batch's statement handles tens of thousands of rows: its hashes get room in memory, compiling
    // it (JIT, which its row estimates would trigger) costs more than it saves, and its joins hash the
    // narrow side instead of sorting both (a merge join sorted every wide line of the batch twice).
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local enable_mergejoin = off`);
    if (booksBatches) {
      // Two camt files of one account imported at once would each miss the other's batch (neither sees the
      // other's uncommitted rows): they take turns, account by account.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`statement-batches:${account.id}`}, 0))`);
    }
    const [statement] = await tx
      .insert(statements)
      .values({ merchantId: params.merchantId, channelAccountId: account.id, format, fileSha256, lineCount: 0, createdAt: params.now })
      .returning({ id: statements.id });
    let lineCount = 0;
    let imported = 0;
    let duplicates = 0;
    let skipped = 0;
    let confirmed = 0;
    const newIds: string[] = [];
    const bulkMatches: { paymentId: string; orderId: string; amount: number }[] = [];
    const refundLines: StatementLine[] = [];
    const rawColumns = new RawColumns();

    const prepareBatch = (batch: { line: StatementLine; key: string }[], covered: ReadonlySet<string>) => {
      // A key twice in the file is the same money twice: the later line is a duplicate, as it
      // would be in a later import. Keys already recorded are found by the insert itself.
      const inputs: StatementPaymentInput[] = [];
      const batchKeys = new Set<string>(covered);
      for (const { line: l, key: dedupeKey } of batch) {
        if (batchKeys.has(dedupeKey)) continue;
        batchKeys.add(dedupeKey);
        const event = paymentEvent(l, account.channel, dedupeKey, rawColumns);
        inputs.push({ event, dedupeKey, candidate: bulkCandidate(event) });
      }
      // A reference two lines name is a split or a duplicate: the engine decides those. Across
      // batches the second line finds the order no longer untouched, which comes to the same.
      const namings = new Map<string, number>();
      for (const { candidate: c } of inputs) if (c) namings.set(c.reference, (namings.get(c.reference) ?? 0) + 1);
      for (const input of inputs) if (input.candidate && namings.get(input.candidate.reference) !== 1) input.candidate = null;
      const prepared = prepareStatementBatch({
        merchantId: params.merchantId,
        channelAccountId: account.id,
        origin: isBill ? "bill" : "statement",
        statementId: statement.id,
        inputs,
        confirmedByBillAt: isBill ? params.now : null,
        readExisting: isBill,
        now: params.now,
      });
      return { lines: batch.length, inputs, prepared };
    };

    const keyBatch = async (batch: StatementLine[]) => {
      const keyed = batch.map((line) => ({ line, key: keyOf(line) }));
      return prepareBatch(keyed, booksBatches ? await coveredByAnotherFile(tx, account.id, keyed) : new Set());
    };

    const writeBatch = async ({ lines, inputs, prepared }: ReturnType<typeof prepareBatch>) => {
      const { inserted, existing } = await writeStatementBatch(tx, prepared);
      imported += inserted.length;
      duplicates += lines - inserted.length;
      for (const p of inserted) {
        if (p.orderId) bulkMatches.push({ paymentId: p.id, orderId: p.orderId, amount: p.amount });
        else newIds.push(p.id);
      }
      if (!isBill) return;
      const amountByKey = new Map(inputs.map((x) => [x.dedupeKey, x.event.amount]));
      for (const payment of existing) {
        if (payment.confirmedByBillAt) continue;
        await confirmByBill(tx, payment, amountByKey.get(payment.dedupeKey) ?? payment.amount, statement.id, params.now);
        confirmed++;
      }
    };

    // Lines are read as the file is decoded and recorded a batch at a time: memory holds two batches.
    // The next batch is parsed while the database writes the previous one (the loop yields to the
    // event loop now and then so the writes go on); batches still reach the database one after another.
    // Batches start small and double up to STATEMENT_BATCH_SIZE, so the database starts writing
    // after a few thousand lines are read instead of waiting for a whole batch.
    let batch: StatementLine[] = [];
    let batchSize = STATEMENT_FIRST_BATCH_SIZE;
    let writing: Promise<void> = Promise.resolve();
    for (const item of stream.items) {
      lineCount++;
      if (lineCount % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (item.rejected) {
        reject(item.rejected);
        continue;
      }
      const kept = withExactSerial(item.line, rounded, isBill);
      if ("rejected" in kept) {
        reject(kept.rejected);
        continue;
      }
      const l = kept.line;
      // Only incoming money is a payment; reversals are the bank correcting itself, not a customer paying.
      if (l.direction === "credit" && !l.reversal) {
        batch.push(l);
        if (batch.length >= batchSize) {
          // The next batch is built (rows, encryption, serialisation) while the previous one is written.
          const prepared = await keyBatch(batch);
          await writing;
          writing = writeBatch(prepared);
          // Awaited before the next batch or after the loop; until then a failure must not go unhandled.
          writing.catch(() => {});
          batch = [];
          batchSize = Math.min(STATEMENT_BATCH_SIZE, batchSize * 2);
        }
      } else if (isBill && l.direction === "debit" && l.refundId) {
        refundLines.push(l);
      } else {
        skipped++;
      }
    }
    const last = await keyBatch(batch);
    await writing;
    await writeBatch(last);

    const audit: AuditInput[] = [];
    let refunds = 0;
    for (const l of refundLines) {
      const [payment] = await tx
        .select()
        .from(payments)
        .where(and(eq(payments.channelAccountId, account.id), eq(payments.dedupeKey, l.bankSerial ?? "")))
        .for("update");
      if (!payment) {
        reject({ line: l.lineNo, message: `refund ${l.refundId}: no payment ${l.bankSerial} has been recorded on this account` });
        continue;
      }
      const refund = await recordRefund(tx, { payment, event: refundEvent(l, account.channel), now: params.now });
      audit.push(...refund.audit);
      if (refund.kind === "recorded") refunds++;
      if (refund.kind === "refused") reject({ line: l.lineNo, message: refund.reason });
    }

    // Certain matches were settled set-based with the lines; the engine takes the rest after the commit.
    audit.push(...(await finishBulkMatches(tx, { merchantId: params.merchantId, statementId: statement.id, matches: bulkMatches, now: params.now })));

    rejected.sort((a, b) => a.line - b.line);
    await tx
      .update(statements)
      .set({ lineCount, imported, duplicates, rejected, rawColumns: rawColumns.names })
      .where(eq(statements.id, statement.id));
    audit.push({
      action: "statement.imported",
      subjectType: "statement",
      subjectId: statement.id,
      after: {
        format,
        channelAccountId: account.id,
        fileSha256,
        imported,
        duplicates,
        skipped,
        confirmed,
        refunds,
        rejected: rejectedCount,
      },
    });
    await appendAuditEvents(tx, params.merchantId, params.actor, audit);
    return { statementId: statement.id, imported, duplicates, skipped, confirmed, refunds, newIds };
  });

  // Matching runs after the import committed: a matching failure must not undo the recorded money,
  // and a payment left unchecked is picked up again by the sweep (matchCheckedAt stays null).
  try {
    await matchPayments(db, { paymentIds: outcome.newIds, now: params.now });
  } catch (err) {
    logger.error({ err, statementId: outcome.statementId }, "statement matching deferred to the sweep");
  }
  const byStatus = await db
    .select({ status: payments.status, n: count() })
    .from(payments)
    .where(eq(payments.statementId, outcome.statementId))
    .groupBy(payments.status);
  const n = (...s: string[]) => byStatus.filter((r) => s.includes(r.status)).reduce((sum, r) => sum + Number(r.n), 0);
  return {
    statementId: outcome.statementId,
    format,
    imported: outcome.imported,
    duplicates: outcome.duplicates,
    skipped: outcome.skipped,
    confirmed: outcome.confirmed,
    refunds: outcome.refunds,
    matched: n("matched", "partially_matched"),
    suggested: n("suggested"),
    unmatched: n("unmatched"),
    rejected,
    rejectedCount,
  };
}
