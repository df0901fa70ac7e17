import { localDate } from "@/lib/core/time";
import { addDays } from "./dates";

/** The board's quick choices; a chosen range is typed in as dates instead. */
export const REPORT_PRESETS = ["yesterday", "month"] as const;
export type ReportPreset = (typeof REPORT_PRESETS)[number];

/**
 * The local dates a quick choice covers in `timeZone` at `now`: yesterday alone, or this month from
 * its first day through today (a month still running ends today, not on its last calendar day).
 */
export function presetRange(preset: ReportPreset, now: Date, timeZone: string): { from: string; to: string } {
  const today = localDate(now.getTime(), timeZone);
  if (preset === "yesterday") {
    const day = addDays(today, -1);
    return { from: day, to: day };
  }
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/** Whole-number percent of a job's progress, never 100 before it is done. */
export function progressPercent(rows: number, total: number, done: boolean): number {
  if (done) return 100;
  if (total <= 0) return 0;
  return Math.min(99, Math.floor((rows / total) * 100));
}
