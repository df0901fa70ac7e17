import { parseDecimalComma } from "@/lib/core/money";
import { joinMemo, LineError, reasonOf, textOrNull, toMinorUnits } from "@/lib/core/statements/common";
import { isoDate, shanghaiToIso } from "@/lib/core/statements/time";
import {
  StatementFormatError,
  type RejectedLine,
  type StatementLine,
  type StatementParseResult,
} from "@/lib/core/statements/types";

/** One physical line with its 1-based number. */
interface PhysicalLine {
  no: number;
  text: string;
}

function* physicalLines(text: string): Generator<PhysicalLine> {
  let no = 1;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (i === text.length || c === "\n" || c === "\r") {
      if (i > start || i < text.length) yield { no, text: text.slice(start, i) };
      if (c === "\r" && text[i + 1] === "\n") i++;
      start = i + 1;
      no++;
    }
  }
}

/** A tagged field (`:61:`…) with its continuation lines. */
interface Field {
  tag: string;
  lineNo: number;
  lines: string[];
}

const TAG = /^:(\d{2}[A-Z]?):(.*)$/;
// `:61:` = value date 6!n, entry date [4!n], mark C/D/RC/RD, funds code [1!a], amount 15d, type 1!a3!c,
// customer reference (16x by the standard; ASN writes an 18-char IBAN here), [//bank reference 16x].
const FIELD_61 = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,15},\d*)([A-Z][A-Z0-9]{3})(.*)$/;
const FULL_LINE = 65;

function yymmdd(s: string): string | null {
  const yy = Number(s.slice(0, 2));
  return isoDate((yy < 80 ? 2000 : 1900) + yy, Number(s.slice(2, 4)), Number(s.slice(4, 6)));
}

/** The entry date (MMDD) in the year that puts it closest to the value date (statements straddle New Year). */
function entryDate(valueDate: string, mmdd: string): string | null {
  const year = Number(valueDate.slice(0, 4));
  const candidates = [year - 1, year, year + 1]
    .map((y) => isoDate(y, Number(mmdd.slice(0, 2)), Number(mmdd.slice(2, 4))))
    .filter((d): d is string => !!d);
  if (!candidates.length) return null;
  const distance = (d: string) => Math.abs(Date.parse(d) - Date.parse(valueDate));
  return candidates.reduce((best, d) => (distance(d) < distance(best) ? d : best));
}

// German DFÜ-Abkommen SEPA keywords inside the ?20–?29 purpose text.
const SEPA_KEYWORD = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|PURP|COAM|OAMT|SQTP|BREF|RREF)\+/g;
// Tags of the Dutch/Belgian slash dialect (/EREF/…/REMI/…, ING, ABN AMRO, Rabobank).
const SLASH_TAG =
  /\/(EREF|CNTP|REMI|PREF|MARF|CSID|PURP|ULTC|ULTD|ULTB|RTRN|TRTP|IBAN|BIC|NAME|ORDP|BENM|ACCW|ISDT|SVCL|CREF|RETR|BUSP|CHGS|EXCH|ADDR)\//g;

const HAS_SLASH_TAG = new RegExp(SLASH_TAG.source);

interface Remittance {
  memo: string | null;
  endToEndId: string | null;
  payerName: string | null;
  payerAccount: string | null;
  raw: Record<string, string>;
}

const notProvided = (v: string | null | undefined) => {
  const t = textOrNull(v);
  return t && t.toUpperCase() !== "NOTPROVIDED" ? t : null;
};

function splitKeywords(text: string, pattern: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  const hits = [...text.matchAll(pattern)];
  hits.forEach((m, i) => {
    const end = i + 1 < hits.length ? hits[i + 1].index : text.length;
    const value = text.slice(m.index + m[0].length, end);
    out.set(m[1], out.has(m[1]) ? `${out.get(m[1])} ${value}` : value);
  });
  return out;
}

/** German `?nn` sub-fields: ?00 booking text, ?20–?29/?60–?63 purpose, ?30 BIC, ?31 account, ?32/?33 name. */
function germanRemittance(content: string): Remittance {
  const sub = new Map<string, string>();
  const purpose: string[] = [];
  const parts = content.split(/\?(\d{2})/);
  for (let i = 1; i < parts.length; i += 2) {
    const code = parts[i];
    const value = parts[i + 1] ?? "";
    sub.set(code, (sub.get(code) ?? "") + value);
    const n = Number(code);
    if ((n >= 20 && n <= 29) || (n >= 60 && n <= 63)) purpose.push(value);
  }
  // Each ?2x holds at most 27 characters of one running text: join without separators.
  const text = purpose.join("");
  const keywords = splitKeywords(text, SEPA_KEYWORD);
  const raw: Record<string, string> = { gvc: content.slice(0, 3) };
  for (const [k, v] of sub) if (v.trim()) raw[`?${k}`] = v.trim();
  for (const [k, v] of keywords) if (v.trim()) raw[k] = v.replace(/\s+/g, " ").trim();
  return {
    memo: textOrNull(keywords.get("SVWZ")) ?? textOrNull(text),
    endToEndId: notProvided(keywords.get("EREF")),
    payerName: textOrNull(`${sub.get("32") ?? ""}${sub.get("33") ?? ""}`),
    payerAccount: textOrNull(sub.get("31"))?.replace(/\s/g, "") ?? null,
    raw,
  };
}

/** Slash dialect: /EREF/…/CNTP/account/BIC/name/city/REMI/USTD//text/ (ING) or /TRTP/…/NAME/…/REMI/… (ABN AMRO). */
function slashRemittance(content: string): Remittance {
  const tags = splitKeywords(content, SLASH_TAG);
  const raw: Record<string, string> = {};
  for (const [k, v] of tags) if (v.trim()) raw[k] = v.replace(/\/+$/, "").trim();
  const remi = tags.get("REMI")?.replace(/^(USTD|STRD\/[A-Z]*)\/\/?/, "").replace(/\/+$/, "");
  const cntp = tags.get("CNTP")?.split("/") ?? [];
  return {
    memo: textOrNull(remi) ?? textOrNull(content),
    endToEndId: notProvided(tags.get("EREF")?.replace(/\/+$/, "")),
    payerName: textOrNull(cntp[2]) ?? textOrNull(tags.get("NAME")?.replace(/\/+$/, "")),
    payerAccount: textOrNull(cntp[0]) ?? textOrNull(tags.get("IBAN")?.replace(/\/+$/, "")),
    raw,
  };
}

function remittanceOf(lines: string[]): Remittance {
  const first = lines[0] ?? "";
  if (/^\d{3}\?\d{2}/.test(first.trimStart())) return germanRemittance(lines.join("").trimStart());
  const joined = lines.join("");
  if (/^\s*\//.test(first) && HAS_SLASH_TAG.test(joined)) return slashRemittance(joined.trim());
  // Free text: a full 65-character line was wrapped mid-word; a shorter one ended a phrase.
  let text = "";
  lines.forEach((l, i) => {
    text += i === 0 ? l : (lines[i - 1].length >= FULL_LINE ? "" : " ") + l;
  });
  return { memo: textOrNull(text), endToEndId: null, payerName: null, payerAccount: null, raw: {} };
}

interface Context {
  account: string | null;
  currency: string | null;
  statementRef: string | null;
}

function transaction(f61: Field, f86: Field | null, ctx: Context): StatementLine {
  const m = FIELD_61.exec(f61.lines[0].trim());
  if (!m) throw new LineError(`:61: "${f61.lines[0].trim()}" does not follow the :61: layout`);
  const [, valueRaw, entryRaw, mark, funds, amountRaw, type, rest] = m;
  const valueDate = yymmdd(valueRaw);
  if (!valueDate) throw new LineError(`:61: value date "${valueRaw}" is not a date`);
  const booked = entryRaw ? entryDate(valueDate, entryRaw) : valueDate;
  if (!booked) throw new LineError(`:61: entry date "${entryRaw}" is not a date`);
  if (!ctx.currency) throw new LineError("no opening balance (:60F:) states the currency");
  let hundredths: number;
  try {
    hundredths = parseDecimalComma(amountRaw);
  } catch {
    throw new LineError(`:61: amount "${amountRaw}" is not an amount`);
  }
  if (hundredths === 0) throw new LineError(":61: zero amount");
  const amount = toMinorUnits(hundredths, ctx.currency, ":61: amount");
  const slash = rest.indexOf("//");
  const customerRef = textOrNull(slash >= 0 ? rest.slice(0, slash) : rest);
  const bankRef = slash >= 0 ? textOrNull(rest.slice(slash + 2).slice(0, 16)) : null;
  const supplementary = textOrNull(f61.lines.slice(1).join(" "));
  const rem = f86 ? remittanceOf(f86.lines) : { memo: null, endToEndId: null, payerName: null, payerAccount: null, raw: {} };
  const ibanLike = customerRef && /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(customerRef) ? customerRef : null;
  const raw: Record<string, string> = { ":61:": f61.lines.join("\n"), type, ...rem.raw };
  if (f86) raw[":86:"] = f86.lines.join("\n");
  if (customerRef) raw.customerReference = customerRef;
  if (funds) raw.fundsCode = funds;
  if (ctx.account) raw.account = ctx.account;
  if (ctx.statementRef) raw.statement = ctx.statementRef;
  return {
    lineNo: f61.lineNo,
    // RC reverses a credit (money leaves), RD reverses a debit (money returns): neither is a customer payment.
    direction: mark === "C" || mark === "RD" ? "credit" : "debit",
    reversal: mark.startsWith("R"),
    amount,
    currency: ctx.currency,
    bookedAt: shanghaiToIso(booked),
    bookedDate: booked,
    valueDate,
    bankSerial: bankRef && bankRef.toUpperCase() !== "NONREF" ? bankRef : null,
    endToEndId: rem.endToEndId,
    reference: null,
    // ASN puts the counterparty IBAN in the reference slot and the name on the supplementary line.
    payerName: rem.payerName ?? (supplementary && !supplementary.startsWith("/") ? supplementary : null),
    payerAccount: rem.payerAccount ?? ibanLike,
    memo: joinMemo([rem.memo]),
    refundId: null,
    details: {},
    raw,
  };
}

/** Which physical lines end a message: `-`, `-}` (SWIFT block 4), `-XXX` (ING trailer). */
const TERMINATOR = /^-(\}.*|[A-Z]{0,3})?\s*$/;

/** True when the text looks like MT940 (for `auto`). */
export function looksLikeMt940(text: string): boolean {
  const head = text.slice(0, 65536);
  return /^(?:\{1:[^\n]*\{4:\s*)?:20:/m.test(head) && /^:(25|28C?|60[FM]):/m.test(head);
}

/**
 * SWIFT MT940 customer statements: several statements per file, optional SWIFT block envelopes,
 * CRLF or LF, continuation lines, `:61:` with RC/RD marks and funds codes, `:86:` in the German `?nn`,
 * the Dutch slash or free-text dialect. A `:86:` after `:62F:` (ING's summary) is not a transaction.
 */
export function parseMt940(text: string): StatementParseResult {
  const lines: StatementLine[] = [];
  const rejected: RejectedLine[] = [];
  const ctx: Context = { account: null, currency: null, statementRef: null };
  let field: Field | null = null;
  let pending61: Field | null = null;
  let pending86: Field | null = null;
  let sawStatement = false;

  const emit = () => {
    if (!pending61) return;
    try {
      lines.push(transaction(pending61, pending86, ctx));
    } catch (error) {
      rejected.push({ line: pending61.lineNo, message: reasonOf(error) });
    }
    pending61 = null;
    pending86 = null;
  };
  const close = () => {
    if (!field) return;
    const f = field;
    field = null;
    const value = f.lines[0].trim();
    switch (f.tag) {
      case "20":
        emit();
        sawStatement = true;
        ctx.currency = null;
        ctx.account = null;
        ctx.statementRef = value || null;
        return;
      case "25":
        ctx.account = value || null;
        return;
      case "60F":
      case "60M": {
        const m = /^[CD]\d{6}([A-Z]{3})/.exec(value);
        if (m) ctx.currency = m[1];
        return;
      }
      case "61":
        emit();
        pending61 = f;
        return;
      case "86":
        // Only the :86: right after a :61: describes it; elsewhere it is statement information.
        if (pending61 && !pending86) pending86 = f;
        return;
      default:
        emit();
    }
  };

  for (const { no, text: original } of physicalLines(text)) {
    let l = original;
    const envelope = /^\{1:.*?\{4:(.*)$/.exec(l);
    if (envelope) {
      close();
      emit();
      l = envelope[1];
      if (!l.trim()) continue;
    }
    const tag = TAG.exec(l);
    if (tag) {
      close();
      field = { tag: tag[1], lineNo: no, lines: [tag[2]] };
      continue;
    }
    // A statement ends on its closing balance (:62F:), never inside a transaction's :86:, where "-AB" is
    // a wrapped line of the remittance text rather than an ING trailer.
    const wrappedInRemittance = field?.tag === "86" && pending61 !== null && /^-[A-Z]{1,3}\s*$/.test(l);
    if (TERMINATOR.test(l) && !wrappedInRemittance) {
      close();
      emit();
      continue;
    }
    // Continuation of the open field; lines outside any field (bank headers like "940 00") are skipped.
    if (field) (field as Field).lines.push(l);
  }
  close();
  emit();
  if (!sawStatement) throw new StatementFormatError("mt940", "no :20: statement header");
  return { format: "mt940", lines, rejected };
}
