import iconv from "iconv-lite";
import { buildVouchers, kingdeeVoucherCsv, resolveLedgerAccounts, UTF8_BOM, yonyouVoucherCsv, type Voucher } from "@/lib/core/reports";
import type { Db } from "@/lib/db/client";
import { badRequest } from "@/lib/http/errors";
import { contentDisposition, getReportContext, inReportSnapshot, parseDateRange, summarizeReconciliation } from "@/lib/services/reports";

/** Accounting packages whose voucher import layout we write. */
export const VOUCHER_FORMATS = ["kingdee", "yonyou"] as const;
/** One of {@link VOUCHER_FORMATS}. */
export type VoucherFormat = (typeof VOUCHER_FORMATS)[number];

const FORMAT_NAMES: Record<VoucherFormat, string> = { kingdee: "金蝶", yonyou: "用友" };

/**
 * Vouchers of a date range for one merchant, with its ledger accounts. Numbered within the accounting
 * period (the month) from its first day, whatever day the range starts on: a month exported in parts, or
 * day by day, gives each voucher the number it has in the whole month's export, never a second 记-1.
 */
export async function getVouchers(db: Db, merchantId: string, range: { from: string; to: string }): Promise<{ vouchers: Voucher[]; preparer: string }> {
  const periodStart = `${range.from.slice(0, 7)}-01`;
  const ctx = await getReportContext(db, merchantId, { from: periodStart, to: range.to, channel: null, source: null });
  const summary = await inReportSnapshot(db, (tx) => summarizeReconciliation(tx, ctx));
  const vouchers = buildVouchers(summary.daily, resolveLedgerAccounts(ctx.merchant.settings)).filter((v) => v.date >= range.from);
  return { vouchers, preparer: ctx.merchant.name };
}

/**
 * `GET /api/v1/reports/vouchers?from&to&format=kingdee|yonyou[&encoding=utf-8|gbk]`: the range's
 * 记账凭证 as the vendor's import CSV. GBK is offered because older 金蝶/用友 import wizards read the
 * Windows Chinese code page only.
 */
export async function vouchersResponse(db: Db, merchantId: string, url: URL): Promise<Response> {
  const range = parseDateRange(url);
  const format = url.searchParams.get("format") ?? "";
  if (!(VOUCHER_FORMATS as readonly string[]).includes(format)) throw badRequest(`format: must be one of ${VOUCHER_FORMATS.join(", ")}`, "invalid_field");
  const encoding = (url.searchParams.get("encoding") ?? "utf-8").toLowerCase();
  if (encoding !== "utf-8" && encoding !== "gbk") throw badRequest("encoding: must be utf-8 or gbk", "invalid_field");
  const { vouchers, preparer } = await getVouchers(db, merchantId, range);
  const csv = (format === "kingdee" ? kingdeeVoucherCsv : yonyouVoucherCsv)(vouchers, { preparer });
  // GB18030 is GBK for every character GBK has, and keeps the rest (a rare name's 𠮷) instead of turning it into "?".
  const body = encoding === "gbk" ? iconv.encode(csv.slice(UTF8_BOM.length), "gb18030") : new TextEncoder().encode(csv);
  const name = `${range.from}_${range.to}`;
  return new Response(new Uint8Array(body), {
    headers: {
      "content-type": `text/csv; charset=${encoding}`,
      "content-disposition": contentDisposition(`vouchers-${format}-${name}.csv`, `记账凭证_${FORMAT_NAMES[format as VoucherFormat]}_${name}.csv`),
      "cache-control": "no-store",
    },
  });
}
