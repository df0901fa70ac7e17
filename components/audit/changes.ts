// What an audit event changed, in the merchant's words: field names and codes as labels, money as
// yuan (or the event's currency), instants in the merchant's zone, {zh, en} texts in the UI language.
// Pure: the audit page, the order's fund trail and the unit tests share it; the raw JSON stays on the page for auditors.
import { createTranslator } from "next-intl";
import { formatZoned } from "@/lib/core/time";
import { localizeKnown } from "@/lib/i18n/known-texts";
import { labelOf, type Locale, type Messages } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";

export interface ChangeContext {
  messages: Messages;
  locale: Locale;
  timeZone: string;
}

export interface AuditChangeInput {
  action: string;
  subjectType: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** One field of an event: `before → after` when the event recorded both sides, else the one value it recorded. */
export interface ChangeLine {
  key: string;
  label: string;
  before: string | null;
  after: string;
}

/**
 * The amounts the services write into audit events, all integer minor units (fen for CNY): order
 * totals, payment allocations, write-offs, refunds, and the limits inside tolerance and anomaly rules.
 */
export const MONEY_FIELDS: ReadonlySet<string> = new Set([
  "amount",
  "paidAmount",
  "refundedAmount",
  "writtenOffAmount",
  "allocatedAmount",
  "payableAmount",
  "writeOffReversed",
  "maxShortfallFen",
  "minAmount",
  "maxAmount",
  "minDifference",
  "maxDifference",
]);

/** Fields that only make sense to a machine (a digest's recipe): left to the raw JSON. */
const HIDDEN = new Set(["digestOf"]);
/** Ids, fingerprints and prose: in the expanded list, not in the one-line summary. */
const DETAIL_ONLY = new Set([
  "orderId",
  "paymentId",
  "refundId",
  "anomalyId",
  "ruleId",
  "channelAccountId",
  "assignedTo",
  "subjectKey",
  "fileSha256",
  "allocationsSha256",
  "explanation",
  "message",
  "confidence",
  "manual",
  "default",
]);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CJK = /[\u3400-\u9fff]/;

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const listSep = (locale: Locale) => (locale === "en" ? ", " : "、");
const colon = (locale: Locale) => (locale === "en" ? ": " : "：");

/** A {zh, en} text in the UI language; anything else unchanged. */
function localized(v: unknown, locale: Locale): unknown {
  if (isRecord(v) && typeof v.zh === "string" && typeof v.en === "string" && Object.keys(v).length === 2) return locale === "en" ? v.en : v.zh;
  return v;
}

/** The bilingual notes the anomaly sweep writes ("中文 / English"), in the UI language; a person's note as written. */
export function systemNote(note: string, locale: Locale): string {
  const writtenOff = /^(.+?)：核销 (\S+)（.+?） \/ written off as (.+)$/.exec(note);
  if (writtenOff) return locale === "en" ? `${localizeKnown(writtenOff[1], locale)}: ${writtenOff[2]} written off as ${writtenOff[3]}` : note.slice(0, note.lastIndexOf(" / "));
  const ignored = /^(.+?)：已忽略收款（(.+)） \/ payment ignored: (.+)$/.exec(note);
  if (ignored) return locale === "en" ? `${localizeKnown(ignored[1], locale)}: payment ignored: ${localizeKnown(ignored[3], locale)}` : note.slice(0, note.lastIndexOf(" / "));
  const split = /^(.*[\u3400-\u9fff].*) \/ ([^\u3400-\u9fff]+)$/.exec(note);
  if (split && /^(the cause disappeared)$/.test(split[2])) return locale === "en" ? split[2].charAt(0).toUpperCase() + split[2].slice(1) : split[1];
  return note;
}

/** A reason stored on an event (order closed, write-off, refused refund) in the UI language. */
export function reasonText(reason: string, ctx: ChangeContext, currency?: string | null): string {
  const c = ctx.messages.auditChanges;
  if (c.reasons[reason]) return c.reasons[reason];
  if (ctx.messages.writeOffCauses[reason]) return ctx.messages.writeOffCauses[reason];
  const refused = /^refund (\d+) exceeds what is left of payment \S+ \((-?\d+)\)$/.exec(reason);
  if (refused) {
    return fill(c.refundRefused, { amount: formatMoney(Number(refused[1]), currency, ctx.locale), left: formatMoney(Number(refused[2]), currency, ctx.locale) });
  }
  return localizeKnown(reason, ctx.locale);
}

/** The event a value belongs to: which statuses and formats its codes name, and the currency of its amounts. */
export interface Scope {
  action: string;
  subjectType: string;
  currency: string | null;
}
const NO_SCOPE: Scope = { action: "", subjectType: "", currency: null };

function fieldLabel(key: string, m: Messages): string {
  return (
    m.auditChanges.fields[key] ??
    m.settings.ledger.credits[key] ??
    m.settings.channels.add.fields[key] ??
    m.channels[key] ??
    m.writeOffCauses[key] ??
    key
  );
}

const statusLabels = (subjectType: string, m: Messages) =>
  subjectType === "order" ? m.orderStatus : subjectType === "anomaly" ? m.auditChanges.anomalyStatus : m.paymentStatus;

/**
 * An anomaly rule's conditions or actions in the merchant's words, as the rules page and the audit log
 * show them: "金额 ≥ ¥100.00；少付", "核销为 抹零；不发送通知"; "" when there are none.
 */
export function ruleClauses(obj: Record<string, unknown>, ctx: ChangeContext, scope: Scope = NO_SCOPE): string {
  const m = ctx.messages;
  const r = m.settings.rules;
  return Object.entries(obj)
    .map(([k, v]) => {
      if (v === null || v === undefined) return null;
      // A rule that silences the alert says so; any other switch left off says nothing.
      if (v === false) return k === "notify" ? r.notifyOff : null;
      const label = r.fields[k] ?? fieldLabel(k, m);
      if (v === true) return label;
      if (k === "direction") return labelOf(r.directions, String(v));
      if ((k === "writeOff" || k === "ignorePayment") && isRecord(v)) {
        return `${label} ${Object.values(v).map((x) => localizeKnown(labelOf(m.writeOffCauses, String(x)), ctx.locale)).join(r.listSeparator)}`;
      }
      if (k === "assignTo") return `${label} ${shortId(String(v))}`;
      return `${label} ${formatValue(k, v, ctx, scope)}`;
    })
    .filter((clause): clause is string => clause !== null)
    .join(r.clauseSeparator);
}

const shortId = (id: string) => (UUID.test(id) ? `${id.slice(0, 8)}…` : id);

function duration(minutes: number, ctx: ChangeContext): string {
  const c = ctx.messages.auditChanges;
  return minutes % 60 === 0 ? fill(c.hours, { n: minutes / 60 }) : fill(c.minutes, { n: minutes });
}

/** JSON with object keys sorted: jsonb hands objects back with their keys reordered, which is no change. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isRecord(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "undefined";
}

/**
 * What a replaced rule list changed, rule by rule: added, removed, switched on or off, edited. Rules
 * are paired by id when both lists carry ids, else by name (a tolerance list is saved without its ids).
 */
export function rulesDiff(before: unknown, after: unknown, ctx: ChangeContext): string | null {
  if (!Array.isArray(before) || !Array.isArray(after)) return null;
  const c = ctx.messages.auditChanges;
  const rows = (list: unknown[]) => list.filter(isRecord);
  const [old, now] = [rows(before), rows(after)];
  const byId = [...old, ...now].every((r) => typeof r.id === "string");
  const keyed = (list: Record<string, unknown>[]) => {
    const seen = new Map<string, number>();
    return new Map(
      list.map((r) => {
        const base = byId ? String(r.id) : `name:${String(r.name)}`;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        return [`${base}#${n}`, r] as const;
      }),
    );
  };
  const [was, is] = [keyed(old), keyed(now)];
  const nameOf = (r: Record<string, unknown>) => (typeof r.name === "string" ? r.name : "?");
  const body = (r: Record<string, unknown>) => {
    const { id: _id, enabled: _enabled, ...rest } = r;
    return canonical(rest);
  };
  const parts: string[] = [];
  for (const [k, r] of is) {
    const prev = was.get(k);
    if (!prev) parts.push(fill(c.ruleAdded, { name: nameOf(r) }));
    else if (body(prev) !== body(r)) parts.push(fill(c.ruleChanged, { name: nameOf(r) }));
    else if (Boolean(prev.enabled) !== Boolean(r.enabled)) parts.push(fill(r.enabled ? c.ruleEnabled : c.ruleDisabled, { name: nameOf(r) }));
  }
  for (const [k, r] of was) if (!is.has(k)) parts.push(fill(c.ruleRemoved, { name: nameOf(r) }));
  return parts.length ? parts.join(listSep(ctx.locale)) : null;
}

/** One value of an event as people read it. */
export function formatValue(key: string, raw: unknown, ctx: ChangeContext, scope: Scope = NO_SCOPE): string {
  const m = ctx.messages;
  const c = m.auditChanges;
  const value = localized(raw, ctx.locale);
  if (value === null || value === undefined || value === "") return c.none;
  if (typeof value === "boolean") return value ? c.yes : c.no;
  if (typeof value === "number") {
    if (MONEY_FIELDS.has(key) && Number.isSafeInteger(value)) return formatMoney(value, scope.currency, ctx.locale);
    if (key === "confidence" && value >= 0 && value <= 1) return `${Math.round(value * 100)}%`;
    if (key === "maxShortfallPercent") return `${value}%`;
    if (key === "orderTtlMinutes") return duration(value, ctx);
    return String(value);
  }
  if (typeof value === "string") {
    if (ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))) return formatZoned(new Date(value), ctx.timeZone);
    switch (key) {
      case "status":
        return labelOf(statusLabels(scope.subjectType, m), value);
      case "orderStatus":
        return labelOf(m.orderStatus, value);
      case "method":
        return labelOf(m.payments.methods, value);
      case "channel":
        return labelOf(m.channels, value);
      case "origin":
        return labelOf(m.payments.origins, value);
      case "role":
        return labelOf(m.roles as unknown as Record<string, string>, value);
      case "kind":
        return labelOf(m.anomalies.kinds, value);
      case "severity":
      case "raiseSeverity":
        return labelOf(m.anomalies.severities, value);
      case "cause":
        return labelOf(m.writeOffCauses, value);
      case "reason":
        return reasonText(value, ctx, scope.currency);
      case "source":
        return labelOf(c.writeOffSources, value);
      case "by":
        return labelOf(c.resolvedBy, value);
      case "resolvedBy":
        return value === "system" ? c.resolvedBy.system : value.startsWith("rule:") ? c.resolvedBy.rule : value;
      case "via":
        return labelOf(c.via, value);
      case "direction":
        return labelOf(m.settings.rules.directions, value);
      case "format":
        return scope.action === "orders.imported" ? labelOf(m.orders.sources, value) : labelOf(m.imports.statementFormats, value);
      case "note":
        return systemNote(value, ctx.locale);
      case "fileSha256":
      case "allocationsSha256":
        return value.length > 16 ? `${value.slice(0, 12)}…` : value;
    }
    return shortId(value);
  }
  if (Array.isArray(value)) {
    if (key === "rules") return createTranslator({ locale: ctx.locale, messages: ctx.messages, namespace: "auditChanges" })("ruleCount", { n: value.length });
    if (key === "references") return value.map((v) => (Array.isArray(v) ? v.join("+") : String(v))).join(listSep(ctx.locale)) || c.none;
    const itemKey = key === "channels" ? "channel" : key === "kinds" ? "kind" : key;
    return value.map((v) => formatValue(itemKey, v, ctx, scope)).join(listSep(ctx.locale)) || c.none;
  }
  if (isRecord(value)) {
    if (key === "conditions" || key === "actions") return ruleClauses(value, ctx, scope) || c.none;
    // A ledger account: "1002 银行存款".
    if (typeof value.code === "string" && typeof value.name === "string" && Object.keys(value).length === 2) return `${value.code} ${value.name}`;
    const parts = Object.entries(value).map(([k, v]) => `${fieldLabel(k, m)} ${formatValue(k, v, ctx, scope)}`);
    return parts.join(ctx.locale === "en" ? "; " : "；") || c.none;
  }
  return String(value);
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * The fields an event changed (both sides recorded and differing) or recorded (one side only),
 * each labelled and formatted; machine-only fields are left out.
 */
export function describeChanges(e: AuditChangeInput, ctx: ChangeContext): ChangeLine[] {
  const before = e.before ?? null;
  const after = e.after ?? null;
  const currency = [after?.currency, before?.currency].find((x): x is string => typeof x === "string") ?? null;
  const scope: Scope = { action: e.action, subjectType: e.subjectType, currency };
  const line = (key: string, b: string | null, a: string): ChangeLine => ({ key, label: fieldLabel(key, ctx.messages), before: b, after: a });
  const fmt = (key: string, v: unknown) => formatValue(key, v, ctx, scope);
  const none = ctx.messages.auditChanges.none;

  if (before && after) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !HIDDEN.has(k));
    const changed = keys.filter((k) => !same(before[k], after[k]));
    if (changed.length) {
      return changed.map((k) => {
        if (k === "rules") {
          const diff = rulesDiff(before[k], after[k], ctx);
          if (diff) return line(k, null, diff);
        }
        if (!(k in before)) return line(k, null, fmt(k, after[k]));
        return line(k, fmt(k, before[k]), k in after ? fmt(k, after[k]) : none);
      });
    }
  }
  const recorded = after ?? before ?? {};
  return Object.entries(recorded)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => line(k, null, fmt(k, v)));
}

/** The lines as one cell's text, ids and prose left to the expanded view, cut to `max` characters. */
export function changeSummary(lines: ChangeLine[], locale: Locale, max = 120): string {
  const shown = lines.filter((l) => !DETAIL_ONLY.has(l.key));
  const text = (shown.length ? shown : lines)
    .map((l) => `${l.label}${colon(locale)}${l.before !== null ? `${l.before} → ${l.after}` : l.after}`)
    .join(" · ");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Whether a string still reads as another language than the UI's (an English-only explanation on the Chinese UI). */
export const isForeignText = (text: string, locale: Locale) => locale !== "en" && !CJK.test(text) && /[a-z]{3,}/i.test(text);
