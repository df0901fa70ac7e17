import { createZonedFormatter } from "./dates";
import type { ReportParams } from "./types";

/**
 * Decides whether a row belongs to the report: its instant falls on a local date within
 * [from, to] and it passes the channel and source filters. Loaders select by the same range in
 * SQL; applying it again here keeps the pure builder correct on any rows it is given.
 */
export function createReportScope(params: ReportParams) {
  const fmt = createZonedFormatter(params.timeZone);
  return {
    fmt,
    /** The local date of `at` when the row is in scope, else null. */
    dateIfInScope(at: Date, channel: string | null, source: string | null): string | null {
      if (params.channel && channel !== params.channel) return null;
      if (params.source && source !== params.source) return null;
      const date = fmt.date(at);
      return date >= params.from && date <= params.to ? date : null;
    },
  };
}

/** The scope type {@link createReportScope} returns. */
export type ReportScope = ReturnType<typeof createReportScope>;
