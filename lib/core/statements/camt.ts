import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseYuan } from "@/lib/core/money";
import { joinMemo, LineError, reasonOf, textOrNull, toMinorUnits } from "@/lib/core/statements/common";
import { parseIsoDateTime, isoDate, shanghaiToIso } from "@/lib/core/statements/time";
import {
  collectItems,
  StatementFormatError,
  type StatementItem,
  type StatementLine,
  type StatementParseResult,
} from "@/lib/core/statements/types";

type Node = Record<string, unknown>;

// Elements that may repeat in camt.052/053/054 .001.02–.08; everything else is read as a single child.
const REPEATED = new Set(["Stmt", "Ntfctn", "Rpt", "Ntry", "NtryDtls", "TxDtls", "Ustrd", "Strd", "AddtlRmtInf", "AddtlTxInf", "AdrLine"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  // Every camt version and the STUZZA profile differ only in the namespace URI: match on local names.
  removeNSPrefix: true,
  // Serials such as 0758103031480900 must stay text, never become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // The five XML entities and numeric character references (J&#252;rgen); no HTML names. A DOCTYPE
  // (and with it any entity definition) is refused before parsing. fast-xml-parser 5 takes a table of
  // named entities here (numeric ones then allowed), though its types only declare a boolean.
  processEntities: true,
  htmlEntities: { amp: "&", apos: "'", gt: ">", lt: "<", quot: '"' } as unknown as boolean,
  isArray: (name) => REPEATED.has(name),
});

const asNode = (v: unknown): Node | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Node) : undefined);
const list = (v: unknown): Node[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => asNode(x) ?? { "#text": x });

function text(v: unknown): string | null {
  if (typeof v === "string") return v.trim() || null;
  const n = asNode(v);
  if (n && typeof n["#text"] === "string") return n["#text"].trim() || null;
  return null;
}

/** Child at a path of local names (first element of any repeated step). */
function at(node: unknown, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const step of path) {
    const n = asNode(Array.isArray(cur) ? cur[0] : cur);
    if (!n) return undefined;
    cur = n[step];
  }
  // A name outside REPEATED that still occurs twice (the parser then makes an array): take the first.
  return Array.isArray(cur) && !REPEATED.has(path[path.length - 1] ?? "") ? cur[0] : cur;
}

const textAt = (node: unknown, ...path: string[]) => text(at(node, ...path));
const texts = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(text).filter((t): t is string => !!t);

/** Refuses what the importer never needs and an attacker would: DTDs and entity declarations. */
function assertSafeXml(xml: string, format: string) {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw new StatementFormatError(format, "DOCTYPE and entity declarations are not accepted");
}

/** Which camt message an XML text is (for `auto`), by its root's first child. */
export function detectCamt(xml: string): "camt053" | "camt054" | "camt052" | null {
  const m = /<(?:[\w.-]+:)?(BkToCstmrStmt|BkToCstmrDbtCdtNtfctn|BkToCstmrAcctRpt)[\s>]/.exec(xml.slice(0, 65536));
  if (!m) return null;
  return m[1] === "BkToCstmrStmt" ? "camt053" : m[1] === "BkToCstmrDbtCdtNtfctn" ? "camt054" : "camt052";
}

function amountOf(node: unknown, column: string): { amount: number; currency: string } | null {
  const amt = at(node, "Amt");
  const value = text(amt);
  const currency = asNode(amt)?.["@_Ccy"];
  if (!value || typeof currency !== "string") return null;
  const ccy = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(ccy)) throw new LineError(`${column}: currency "${currency}" is not an ISO 4217 code`);
  let hundredths: number;
  try {
    hundredths = parseYuan(value);
  } catch {
    throw new LineError(`${column}: "${value}" is not an amount`);
  }
  if (hundredths < 0) throw new LineError(`${column}: negative amount "${value}"`);
  return { amount: toMinorUnits(hundredths, ccy, column), currency: ccy };
}

/** A transaction's own amount: `Amt` (v3+) or `AmtDtls/TxAmt|InstdAmt/Amt` (v2). */
function txAmount(tx: Node): { amount: number; currency: string } | null {
  return amountOf(tx, "TxDtls/Amt") ?? amountOf(at(tx, "AmtDtls", "TxAmt"), "TxDtls/AmtDtls") ?? amountOf(at(tx, "AmtDtls", "InstdAmt"), "TxDtls/AmtDtls");
}

function dateOf(node: unknown, column: string): { date: string; iso: string } | null {
  const dt = textAt(node, "Dt");
  if (dt) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(dt);
    const date = m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
    if (!date) throw new LineError(`${column}: "${dt}" is not a date`);
    return { date, iso: shanghaiToIso(date) };
  }
  const dtTm = textAt(node, "DtTm");
  if (dtTm) {
    const parsed = parseIsoDateTime(dtTm);
    if (!parsed) throw new LineError(`${column}: "${dtTm}" is not a date-time`);
    return parsed;
  }
  return null;
}

function party(tx: Node, credit: boolean): { name: string | null; account: string | null } {
  const [who, acct, ultimate] = credit ? ["Dbtr", "DbtrAcct", "UltmtDbtr"] : ["Cdtr", "CdtrAcct", "UltmtCdtr"];
  const p = at(tx, "RltdPties", who);
  // v2–v6 put Nm directly under Dbtr; v8 wraps it in Pty.
  const name = textAt(p, "Nm") ?? textAt(p, "Pty", "Nm") ?? textAt(tx, "RltdPties", ultimate, "Nm") ?? textAt(tx, "RltdPties", ultimate, "Pty", "Nm");
  const id = at(tx, "RltdPties", acct, "Id");
  return { name, account: textAt(id, "IBAN") ?? textAt(id, "Othr", "Id") };
}

function remittance(tx: Node | undefined): (string | null)[] {
  if (!tx) return [];
  const rmt = at(tx, "RmtInf");
  // Ustrd lines are one text cut at 140 characters (often mid-word, mid-reference): rejoined with a
  // space, which the reference reader bridges, as it does the groups a payer types.
  const parts: (string | null)[] = [texts(at(rmt, "Ustrd")).join(" ") || null];
  for (const strd of list(at(rmt, "Strd"))) {
    parts.push(textAt(strd, "CdtrRefInf", "Ref"));
    parts.push(...texts(strd.AddtlRmtInf));
  }
  parts.push(...texts(tx.AddtlTxInf));
  return parts;
}

/** An xs:boolean as ISO 20022 allows it: "true" or "1". */
const isTrue = (value: string | null | undefined) => value?.trim().toLowerCase() === "true" || value?.trim() === "1";

/**
 * What the bank says it deducted from a credit booked net: charges marked included (ChrgInclInd) in
 * the transaction's or the entry's Chrgs, and the amount the payer instructed. Only when both are
 * stated in the entry's currency and add up (instructed − charges = booked); else nothing.
 */
function deductedCharges(entry: Node, tx: Node | undefined, booked: number, currency: string): { instructedAmount: number; bankCharges: number } | null {
  const records = [...(tx ? list(at(tx, "Chrgs", "Rcrd")) : []), ...list(at(entry, "Chrgs", "Rcrd"))];
  let charges = 0;
  for (const r of records) {
    if (!isTrue(textAt(r, "ChrgInclInd"))) continue;
    const amount = amountOf(r, "Chrgs/Rcrd/Amt");
    if (!amount || amount.currency !== currency) return null;
    charges += amount.amount;
  }
  const instructed = tx ? amountOf(at(tx, "AmtDtls", "InstdAmt"), "TxDtls/AmtDtls/InstdAmt") : null;
  if (charges === 0 || !instructed || instructed.currency !== currency || instructed.amount - charges !== booked) return null;
  return { instructedAmount: instructed.amount, bankCharges: charges };
}

function statusOf(entry: Node): string | null {
  const sts = entry.Sts;
  return text(sts) ?? textAt(sts, "Cd") ?? textAt(sts, "Prtry");
}

const endToEnd = (tx: Node | undefined) => {
  const id = tx ? textAt(tx, "Refs", "EndToEndId") : null;
  return id && id.toUpperCase() !== "NOTPROVIDED" ? id : null;
};

function entryLines(entry: Node, lineNo: number, account: string | null): StatementLine[] {
  const status = statusOf(entry);
  if (status && status.toUpperCase() !== "BOOK") throw new LineError(`entry status ${status}: only booked (BOOK) entries are imported`);
  const total = amountOf(entry, "Ntry/Amt");
  if (!total) throw new LineError("Ntry/Amt: missing amount or currency");
  if (total.amount === 0) throw new LineError("zero amount");
  const indicator = textAt(entry, "CdtDbtInd");
  if (indicator !== "CRDT" && indicator !== "DBIT") throw new LineError(`CdtDbtInd "${indicator ?? ""}" is neither CRDT nor DBIT`);
  const reversal = isTrue(textAt(entry, "RvslInd"));
  const booked = dateOf(at(entry, "BookgDt"), "BookgDt") ?? dateOf(at(entry, "ValDt"), "ValDt");
  if (!booked) throw new LineError("no BookgDt or ValDt");
  const valueDate = dateOf(at(entry, "ValDt"), "ValDt")?.date ?? null;
  const entryRef = textAt(entry, "AcctSvcrRef");
  const entryInfo = textAt(entry, "AddtlNtryInf");
  const txs = list(entry.NtryDtls).flatMap((d) => list(d.TxDtls));

  const line = (tx: Node | undefined, amount: number, credit: boolean, serial: string | null): StatementLine => {
    const p = tx ? party(tx, credit) : { name: null, account: null };
    const raw: Record<string, string> = {};
    const put = (k: string, v: string | null) => {
      if (v) raw[k] = v;
    };
    put("AcctSvcrRef", entryRef);
    put("NtryRef", textAt(entry, "NtryRef"));
    put("TxAcctSvcrRef", tx ? textAt(tx, "Refs", "AcctSvcrRef") : null);
    put("EndToEndId", tx ? textAt(tx, "Refs", "EndToEndId") : null);
    put("TxId", tx ? textAt(tx, "Refs", "TxId") : null);
    put("UETR", tx ? textAt(tx, "Refs", "UETR") : null);
    put("BkTxCd", [textAt(entry, "BkTxCd", "Domn", "Cd"), textAt(entry, "BkTxCd", "Domn", "Fmly", "Cd"), textAt(entry, "BkTxCd", "Domn", "Fmly", "SubFmlyCd")].filter(Boolean).join("/"));
    put("AddtlNtryInf", entryInfo);
    put("account", account);
    return {
      lineNo,
      direction: credit ? "credit" : "debit",
      reversal,
      amount,
      currency: total.currency,
      bookedAt: booked.iso,
      bookedDate: booked.date,
      valueDate,
      bankSerial: serial,
      endToEndId: endToEnd(tx),
      reference: null,
      payerName: p.name,
      payerAccount: p.account,
      memo: joinMemo([...remittance(tx), entryInfo]),
      refundId: null,
      details: (credit && deductedCharges(entry, tx, amount, total.currency)) || {},
      raw,
    };
  };

  const entryCredit = indicator === "CRDT";
  if (txs.length <= 1) {
    // One transaction: the entry's own amount and direction rule (a TxDtls amount may be in another
    // currency, and PostFinance writes CRDT in the TxDtls of a DBIT entry).
    const tx = txs[0];
    return [line(tx, total.amount, entryCredit, entryRef ?? (tx ? textAt(tx, "Refs", "AcctSvcrRef") : null))];
  }
  // A batch: split into one line per transaction only when every transaction states its own amount in the
  // entry's currency and they add up to the entry; otherwise the entry stays one line so no money is invented.
  const parts = txs.map((tx) => {
    const own = txAmount(tx);
    const ind = textAt(tx, "CdtDbtInd");
    const credit = ind ? ind === "CRDT" : entryCredit;
    return { tx, own, credit };
  });
  const consistent =
    parts.every((p) => p.own && p.own.currency === total.currency) &&
    parts.reduce((s, p) => s + (p.credit === entryCredit ? p.own!.amount : -p.own!.amount), 0) === total.amount;
  if (!consistent) {
    // Still one line, but with what every transaction says: their references and remittance, and the payer when they share one.
    const whole = line(undefined, total.amount, entryCredit, entryRef);
    const payers = txs.map((tx) => party(tx, entryCredit));
    const shared = payers.every((p) => p.name === payers[0].name && p.account === payers[0].account) ? payers[0] : { name: null, account: null };
    const endToEndIds = txs.map(endToEnd).filter((id): id is string => !!id);
    return [
      {
        ...whole,
        payerName: shared.name,
        payerAccount: shared.account,
        memo: joinMemo([...txs.flatMap(remittance), entryInfo]),
        raw: endToEndIds.length ? { ...whole.raw, EndToEndId: endToEndIds.join(" ") } : whole.raw,
      },
    ];
  }
  return parts.map((p, i) => {
    // Without its own AcctSvcrRef a transaction is told apart by its position in the batch.
    const serial = textAt(p.tx, "Refs", "AcctSvcrRef") ?? (entryRef ? `${entryRef}/${i + 1}` : null);
    const l = line(p.tx, p.own!.amount, p.credit, serial);
    return entryRef ? { ...l, batchTotal: { bankSerial: entryRef, amount: total.amount } } : l;
  });
}

const ENTRY = /<(?:[\w.-]+:)?Ntry[\s>][\s\S]*?<\/(?:[\w.-]+:)?Ntry\s*>/g;
const REPORT_START = /<(?:[\w.-]+:)?(?:Stmt|Ntfctn)[\s>]/g;

function parseXml(xml: string, format: string): Node {
  try {
    return parser.parse(xml) as Node;
  } catch {
    throw new StatementFormatError(format, "the XML could not be parsed");
  }
}

/**
 * The lines of a camt document, entry by entry: the document is checked whole, then parsed once
 * without its entries (statements, accounts) and each `<Ntry>` on its own as it is reached, so the
 * tree of a large file never exists at once.
 */
export function* camtItems(document: string, format: "camt053" | "camt054"): Generator<StatementItem> {
  assertSafeXml(document, format);
  // Entries are found by pattern, so one inside a comment would count: comments become blanks of
  // their length, keeping every offset and line number.
  const xml = document.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, " "));
  const kind = detectCamt(xml);
  if (!kind) throw new StatementFormatError(format, "no BkToCstmrStmt or BkToCstmrDbtCdtNtfctn document");
  if (kind !== format) throw new StatementFormatError(format, `the document is ${kind.replace("camt", "camt.")}`);
  if (XMLValidator.validate(xml) !== true) throw new StatementFormatError(format, "the XML is not well-formed");

  const entries: { start: number; end: number }[] = [];
  const gaps: string[] = [];
  let from = 0;
  for (const m of xml.matchAll(ENTRY)) {
    gaps.push(xml.slice(from, m.index));
    entries.push({ start: m.index, end: m.index + m[0].length });
    from = m.index + m[0].length;
  }
  gaps.push(xml.slice(from));
  const root = asNode(at(parseXml(gaps.join(""), format), "Document", format === "camt053" ? "BkToCstmrStmt" : "BkToCstmrDbtCdtNtfctn"));
  if (!root) throw new StatementFormatError(format, "no Document root");
  const accounts = list(format === "camt053" ? root.Stmt : root.Ntfctn).map((report) =>
    textOrNull(textAt(report, "Acct", "Id", "IBAN") ?? textAt(report, "Acct", "Id", "Othr", "Id")),
  );
  const reportStarts = [...xml.matchAll(REPORT_START)].map((m) => m.index);

  let report = -1;
  let line = 1;
  let counted = 0;
  for (const { start, end } of entries) {
    while (report + 1 < reportStarts.length && reportStarts[report + 1] < start) report++;
    for (let i = counted; i < start; i++) if (xml.charCodeAt(i) === 10) line++;
    counted = start;
    try {
      const entry = list(parseXml(xml.slice(start, end), format).Ntry)[0];
      for (const l of entryLines(entry, line, accounts[report] ?? null)) yield { line: l };
    } catch (error) {
      if (error instanceof StatementFormatError) throw error;
      yield { rejected: { line, message: reasonOf(error) } };
    }
  }
}

const parseCamt = (xml: string, format: "camt053" | "camt054"): StatementParseResult => collectItems(format, camtItems(xml, format));

/** ISO 20022 camt.053 bank-to-customer statement, any version .001.02–.08 (including STUZZA's namespace). */
export function parseCamt053(xml: string): StatementParseResult {
  return parseCamt(xml, "camt053");
}

/** ISO 20022 camt.054 debit/credit notification, any version .001.02–.08. */
export function parseCamt054(xml: string): StatementParseResult {
  return parseCamt(xml, "camt054");
}
