import { toYuanString } from "@/lib/core/money";
import type { Column } from "./sections";

/** Byte order mark: without it Excel reads UTF-8 CSV as the local code page and garbles Chinese. */
export const UTF8_BOM = "\uFEFF";

// A cell starting with one of these is run as a formula by Excel (CSV injection): a payer name
// like "=HYPERLINK(…)" must stay text in an auditor's spreadsheet.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: quoted when it holds a separator, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A column value as CSV text: money in yuan with two decimals, times in the merchant's zone. */
export function csvCell<R>(column: Column<R>, row: R): string {
  const v = column.value(row);
  if (v === null || v === undefined || v === "") return "";
  switch (column.kind) {
    case "money":
      return toYuanString(Number(v));
    case "int":
      return String(v);
    case "ratio":
      return Number(v).toFixed(2);
    case "datetime":
      return String(v).slice(0, 19).replace("T", " ");
    default: {
      const s = String(v);
      return csvField(FORMULA_START.test(s) ? `'${s}` : s);
    }
  }
}

/** The header line of a table, CRLF-terminated. */
export function csvHeader<R>(columns: Column<R>[]): string {
  return `${columns.map((c) => csvField(c.header)).join(",")}\r\n`;
}

/** One data line, CRLF-terminated. */
export function csvLine<R>(columns: Column<R>[], row: R): string {
  return `${columns.map((c) => csvCell(c, row)).join(",")}\r\n`;
}

/** A whole table: BOM, header, lines. */
export function toCsv<R>(columns: Column<R>[], rows: Iterable<R>): string {
  let out = UTF8_BOM + csvHeader(columns);
  for (const r of rows) out += csvLine(columns, r);
  return out;
}

/** Splits CSV text (as written above, BOM optional) back into rows of fields. */
export function parseCsv(text: string): string[][] {
  const src = text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
