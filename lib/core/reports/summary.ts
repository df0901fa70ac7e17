import { toMajorString } from "@/lib/core/money";
import { compareChannels, compareWriteOffCauses } from "./labels";
import { createReportScope, type ReportScope } from "./scope";
import type {
  ChannelSummary,
  DailyFlow,
  OtherCurrencyTotal,
  ReportFigures,
  ReportParams,
  ReportPaymentRow,
  ReportRefundRow,
  WriteOffBucket,
  WriteOffTotal,
} from "./types";

/** All-zero figures. */
export const emptyFigures = (): ReportFigures => ({
  count: 0,
  grossAmount: 0,
  refundCount: 0,
  refundedAmount: 0,
  netAmount: 0,
  matchedAmount: 0,
  unmatchedAmount: 0,
  writtenOffAmount: 0,
});

/** Write-off totals per cause, as a sorted list. */
const causeTotals = (byCause: Map<string, WriteOffTotal>): WriteOffTotal[] =>
  [...byCause.values()].sort((a, b) => compareWriteOffCauses(a.cause, b.cause)).map((t) => ({ ...t }));

function addWriteOffTo(byCause: Map<string, WriteOffTotal>, cause: string, amount: number, count: number) {
  const t = byCause.get(cause);
  if (t) {
    t.amount += amount;
    t.count += count;
  } else byCause.set(cause, { cause, count, amount });
}

function addPaymentTo(f: ReportFigures, amount: number, allocated: number, count = 1) {
  f.count += count;
  f.grossAmount += amount;
  f.netAmount += amount;
  f.matchedAmount += allocated;
  f.unmatchedAmount += amount - allocated;
}

function addRefundTo(f: ReportFigures, amount: number, count = 1) {
  f.refundCount += count;
  f.refundedAmount += amount;
  f.netAmount -= amount;
}

/** Rows of one channel summed over a UTC quarter hour starting at `at` (`allocated` is 0 for refunds). */
export interface SummaryBucket {
  at: Date;
  channel: string;
  count: number;
  amount: number;
  allocated: number;
}

/** The summary part of the report: per channel, totals, and the daily fund flow. */
export interface ReportSummary {
  channels: ChannelSummary[];
  totals: ReportFigures;
  daily: DailyFlow[];
  /** Write-offs by cause over the range. */
  writeOffs: WriteOffTotal[];
  /** The range's payments in other currencies (not in the figures), when the loader looked. */
  otherCurrencies?: OtherCurrencyTotal[];
}

/** The line a report's cover and summary sheet add when other currencies were left out of its figures. */
export function otherCurrencyNote(totals: readonly OtherCurrencyTotal[] | undefined): [string, string][] {
  if (!totals?.length) return [];
  return [["另有外币收款（未计入本报告）", totals.map((c) => `${c.currency} ${c.count} 笔 ${toMajorString(c.grossAmount, c.currency)}`).join("；")]];
}

/**
 * Folds payments and refunds into the summary one row at a time, so a month of a million payments
 * is summarised in constant memory (one entry per channel and per day-channel). Every figure is a
 * sum of the same rows, so per-channel lines add up to the totals and the days add up to the channels.
 */
export function createSummaryAccumulator(params: ReportParams, scope: ReportScope = createReportScope(params)) {
  const channels = new Map<string, ReportFigures>();
  const daily = new Map<string, DailyFlow>();
  const dailyWriteOffs = new Map<string, Map<string, WriteOffTotal>>();
  const writeOffs = new Map<string, WriteOffTotal>();
  const figuresOf = (channel: string) => {
    let f = channels.get(channel);
    if (!f) channels.set(channel, (f = emptyFigures()));
    return f;
  };
  const dayOf = (date: string, channel: string) => {
    const key = `${date}|${channel}`;
    let d = daily.get(key);
    if (!d) daily.set(key, (d = { date, channel, ...emptyFigures(), unmatchedRefundedAmount: 0, writeOffs: [] }));
    return d;
  };
  return {
    /** Adds a payment; returns false (and counts nothing) when it is out of scope. */
    addPayment(p: ReportPaymentRow): boolean {
      const date = scope.dateIfInScope(p.receivedAt, p.channel, p.source);
      if (!date) return false;
      addPaymentTo(figuresOf(p.channel), p.amount, p.allocatedAmount);
      addPaymentTo(dayOf(date, p.channel), p.amount, p.allocatedAmount);
      return true;
    },
    /** Adds a refund by its own date; returns false when it is out of scope. */
    addRefund(r: ReportRefundRow): boolean {
      const date = scope.dateIfInScope(r.refundedAt, r.channel, r.source);
      if (!date) return false;
      const count = r.continued ? 0 : 1;
      addRefundTo(figuresOf(r.channel), r.amount, count);
      const day = dayOf(date, r.channel);
      addRefundTo(day, r.amount, count);
      if (r.unallocated) day.unmatchedRefundedAmount += r.amount;
      return true;
    },
    /**
     * Adds payments already summed by the database (one channel, one UTC quarter hour starting at
     * `at`, so all on one local date; the loader applied the filters); false when out of scope.
     */
    addPaymentBucket(b: SummaryBucket): boolean {
      const date = scope.dateIfInScope(b.at, b.channel, params.source ?? null);
      if (!date) return false;
      addPaymentTo(figuresOf(b.channel), b.amount, b.allocated, b.count);
      addPaymentTo(dayOf(date, b.channel), b.amount, b.allocated, b.count);
      return true;
    },
    /** Adds refunds already summed by the database (see {@link addPaymentBucket}). */
    addRefundBucket(b: SummaryBucket): boolean {
      const date = scope.dateIfInScope(b.at, b.channel, params.source ?? null);
      if (!date) return false;
      addRefundTo(figuresOf(b.channel), b.amount, b.count);
      const day = dayOf(date, b.channel);
      addRefundTo(day, b.amount, b.count);
      // A refund bucket's `allocated` is what went back on orders; the rest no order held.
      day.unmatchedRefundedAmount += b.amount - b.allocated;
      return true;
    },
    /**
     * Adds write-offs already summed by the database (one channel and cause, in the quarter hour the
     * payments they were written off against arrived; the loader applied the filters): they fall on
     * the payments' day and channel, like the money those payments brought.
     */
    addWriteOffBucket(b: WriteOffBucket): boolean {
      const date = scope.dateIfInScope(b.at, b.channel, params.source ?? null);
      if (!date) return false;
      figuresOf(b.channel).writtenOffAmount += b.amount;
      dayOf(date, b.channel).writtenOffAmount += b.amount;
      const key = `${date}|${b.channel}`;
      let day = dailyWriteOffs.get(key);
      if (!day) dailyWriteOffs.set(key, (day = new Map()));
      addWriteOffTo(day, b.cause, b.amount, b.count);
      addWriteOffTo(writeOffs, b.cause, b.amount, b.count);
      return true;
    },
    /** The summary so far, sorted by channel (and date). */
    result(): ReportSummary {
      const channelList = [...channels.entries()]
        .sort(([a], [b]) => compareChannels(a, b))
        .map(([channel, f]) => ({ channel, ...f }));
      const totals = emptyFigures();
      for (const c of channelList) {
        for (const k of Object.keys(totals) as (keyof ReportFigures)[]) totals[k] += c[k];
      }
      const dailyList = [...daily.values()].sort((a, b) =>
        a.date !== b.date ? (a.date < b.date ? -1 : 1) : compareChannels(a.channel, b.channel),
      );
      return {
        channels: channelList,
        totals,
        daily: dailyList.map((d) => ({ ...d, writeOffs: causeTotals(dailyWriteOffs.get(`${d.date}|${d.channel}`) ?? new Map()) })),
        writeOffs: causeTotals(writeOffs),
      };
    },
  };
}

/** The accumulator type {@link createSummaryAccumulator} returns. */
export type SummaryAccumulator = ReturnType<typeof createSummaryAccumulator>;
