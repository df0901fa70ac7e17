/** One CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  lineNo: number;
  fields: string[];
  /** Index in the text read where the record starts. */
  start: number;
}

/**
 * Reads CSV records one at a time (RFC 4180 quoting, `""` escapes, LF/CRLF/CR, newlines inside quotes),
 * without splitting the whole text first, so a large export is walked once. A stray quote inside an
 * unquoted field is kept literally, as spreadsheet exports write it.
 */
export function* readCsv(text: string, delimiter = ","): Generator<CsvRecord> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const startIndex = i;
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let atFieldStart = true;
    for (;;) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          field += c;
          i++;
        }
        continue;
      }
      if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        i++;
      } else if (c === delimiter) {
        fields.push(field);
        field = "";
        atFieldStart = true;
        i++;
      } else if (c === "\n" || c === "\r") {
        fields.push(field);
        i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        break;
      } else {
        field += c;
        atFieldStart = false;
        i++;
      }
    }
    yield { lineNo: start, fields, start: startIndex };
  }
}

/**
 * {@link readCsv} over text that arrives in chunks (a large export decoded piece by piece). The record a chunk ends
 * in may be cut short, so it is read again, whole, together with the next chunk; line numbers count from the file's
 * start.
 */
export function* readCsvChunks(chunks: Iterable<string>, delimiter = ","): Generator<CsvRecord> {
  const iterator = chunks[Symbol.iterator]();
  let carry = "";
  let lineBase = 0;
  for (let next = iterator.next(); !next.done; ) {
    const text = carry + next.value;
    next = iterator.next();
    let held: CsvRecord | null = null;
    for (const record of readCsv(text, delimiter)) {
      if (held) yield { ...held, lineNo: held.lineNo + lineBase };
      held = record;
    }
    if (!held) continue;
    if (next.done) {
      yield { ...held, lineNo: held.lineNo + lineBase };
    } else {
      carry = text.slice(held.start);
      lineBase += held.lineNo - 1;
    }
  }
}

/** True when every field is empty or whitespace. */
export const isBlankRecord = (fields: string[]) => fields.every((f) => f.trim() === "");

/** Header cell → comparable key: no BOM, whitespace, Excel `=` / backtick prefixes, full-width brackets, or 帐/账 variants. */
export function headerKey(cell: string): string {
  return cell
    .replace(/^\uFEFF/, "")
    .replace(/[\s\u3000]+/g, "")
    .replace(/^[=`']+/, "")
    .replace(/"/g, "")
    .replace(/（/g, "(")
    .replace(/）/g, ")")
    .replace(/【/g, "[")
    .replace(/】/g, "]")
    .replace(/帐/g, "账");
}

/** Cell value without surrounding whitespace (Alipay pads cells with tabs), an Excel `="…"` wrapper or a leading backtick. */
export function cellValue(cell: string | undefined): string {
  if (cell === undefined) return "";
  let v = cell.trim();
  const excel = /^="(.*)"$/.exec(v);
  if (excel) v = excel[1];
  if (v.startsWith("`")) v = v.slice(1);
  return v.trim();
}

/** Finds the columns for each logical field by header name (first alias present wins). */
export function mapColumns<K extends string>(header: string[], aliases: Record<K, readonly string[]>): Record<K, number> {
  const keys = header.map(headerKey);
  const bases = keys.map(headerBase);
  const out = {} as Record<K, number>;
  for (const field of Object.keys(aliases) as K[]) {
    out[field] = -1;
    // The name as given first; then a header that only adds a note to it (贷方发生额（收入）, 交易金额(元)),
    // when only one does: 金额(借) beside 金额(贷) says which is which only in the note, so neither is 金额.
    const exact = aliases[field].map((alias) => keys.indexOf(headerKey(alias))).find((i) => i >= 0);
    const noted = aliases[field]
      .map((alias) => bases.flatMap((base, i) => (base === headerKey(alias) ? [i] : [])))
      .find((found) => found.length > 0);
    out[field] = exact ?? (noted?.length === 1 ? noted[0] : -1);
  }
  return out;
}

/**
 * A header key without the note some banks put after the name in brackets: 建设银行's 贷方发生额（收入）,
 * 交易金额(元), 中国银行's bilingual 交易日期[ Transaction Date ]. Brackets inside a name (收(付)方名称) stay.
 */
export const headerBase = (key: string): string => key.replace(/(\([^()]*\)|\[[^[\]]*\])+$/, "") || key;

// A file's header is one array for all its lines: its keys are worked out once, not once a line.
const keysOfHeader = new WeakMap<readonly string[], string[]>();

/** Row as a header → value map, for the line's raw fields. */
export function rawRow(header: string[], fields: string[]): Record<string, string> {
  let keys = keysOfHeader.get(header);
  if (!keys) keysOfHeader.set(header, (keys = header.map(headerKey)));
  const raw: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = cellValue(fields[i]);
    // A header cell named "__proto__" must not reach the prototype.
    if (key && key !== "__proto__" && value !== "") raw[key] = value;
  }
  return raw;
}
