// The API's errors in the reader's language. The server answers `{ error: { code, message } }` with an
// English message meant for developers ("allocations: the amounts add up to 20000, …", amounts in fen,
// fields as request paths); the web app shows instead a sentence chosen by the code and, for the
// validation failures a person can cause, by the field. What is not recognised gets the code's
// generic sentence, with the server's detail added in the English UI only.
import { createTranslator } from "next-intl";
import type { Locale, Messages } from "@/lib/i18n/messages";
import { formatMoney } from "@/lib/i18n/money";

/** What the UI knows of a failed API call: AppApiError, or a bulk result's `{ code, message }`. */
export interface ApiErrorLike {
  status?: number;
  code: string;
  message: string;
}

export interface ErrorContext {
  locale: Locale;
  messages: Messages;
  /** The currency of amounts the message names (the payment's); CNY when absent. */
  currency?: string;
}

export function isApiErrorLike(err: unknown): err is ApiErrorLike {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as ApiErrorLike).code === "string" &&
    typeof (err as ApiErrorLike).message === "string" &&
    ((err as ApiErrorLike).status === undefined || typeof (err as ApiErrorLike).status === "number")
  );
}

// "allocations.1.amount: Too small: …": the request path before the first ": ", then the detail.
const FIELD_PREFIX = /^([A-Za-z_][\w]*(?:\.(?:\d+|[A-Za-z_?][\w]*))*): ([\s\S]*)$/;

function splitField(message: string): { path: string[]; detail: string } | null {
  const m = FIELD_PREFIX.exec(message);
  return m ? { path: m[1].split("."), detail: m[2] } : null;
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

function translator(ctx: ErrorContext): Translate {
  const t = createTranslator({ locale: ctx.locale, messages: ctx.messages, namespace: "apiErrors" });
  return t as unknown as Translate;
}

/** The field a path names, in the reader's words: "第 2 行的金额", "“应用 ID（APPID）”"; null when unknown. */
function fieldLabel(path: string[], ctx: ErrorContext, t: Translate): string | null {
  const e = ctx.messages.apiErrors;
  let label: string | null = null;
  if (path[0] === "credentials" && path.length > 1) {
    const key = path[1];
    label = ctx.messages.settings.channels.add.fields[key] ?? e.fields.credentials;
  } else {
    for (const segment of [...path].reverse()) {
      if (/^\d+$/.test(segment)) continue;
      label = e.fields[segment] ?? null;
      break;
    }
  }
  if (label === null) return null;
  const index = path.findIndex((s) => /^\d+$/.test(s));
  if (index <= 0 || path[0] === "credentials") return label;
  const rowKind = path[0] === "allocations" ? "allocations" : path[0] === "rules" ? "rules" : "other";
  return t("rowField", { row: t(`rows.${rowKind}`, { n: Number(path[index]) + 1 }), field: label });
}

/** English detail with its field path replaced by the field's label: "Amount in row 2: Too small: …". */
function englishDetail(message: string, ctx: ErrorContext, t: Translate): string {
  const split = splitField(message);
  if (!split) return message;
  const label = fieldLabel(split.path, ctx, t);
  return label ? `${label}: ${split.detail}` : message;
}

/** A validation failure of one field ("note: Too small: …"), when the field and the problem are recognised. */
function describeField(message: string, ctx: ErrorContext, t: Translate): string | null {
  const split = splitField(message);
  if (!split) return null;
  const { path, detail } = split;
  const money = (fen: string) => formatMoney(Number(fen), ctx.currency, ctx.locale);
  const head = path[0];
  let m: RegExpExecArray | null;

  if (head === "allocations" && (m = /the amounts add up to (-?\d+), more than the payment amount (-?\d+)/.exec(detail))) {
    return t("allocationsOverPayment", { total: money(m[1]), amount: money(m[2]) });
  }
  if (head === "allocations" && path[2] === "reference" && (m = /^(.+) appears twice$/.exec(detail))) {
    return t("duplicateReference", { reference: m[1] });
  }
  if (head === "allocations" && path[2] === "reference" && (m = /^(.+) names an order already in the list$/.exec(detail))) {
    return t("sameOrderTwice", { reference: m[1] });
  }
  if (head === "allocations" && path[2] === "reference" && (m = /^order number (.+) names (\d+) orders/.exec(detail))) {
    return t("ambiguousOrderNo", { number: m[1], count: m[2] });
  }
  if (head === "index" && /suggestions?$/.test(detail)) return t("suggestionGone");
  if (head === "to" && /must not be before from/.test(detail)) return t("rangeReversed");
  if (head === "to" && (m = /at most (\d+) days/.exec(detail))) return t("rangeTooLong", { days: m[1] });
  if (head === "channelAccountId" && (m = /^a (\S+) file belongs to a (\S+) account, this account is (\S+)$/.exec(detail))) {
    const { messages } = ctx;
    const channel = (c: string) => messages.channels[c] ?? c;
    return t("wrongAccount", { format: messages.imports.statementFormats[m[1]] ?? m[1], needed: channel(m[2]), channel: channel(m[3]) });
  }
  if (head === "channelAccountId") return t("chooseAccount");
  if (head === "newPassword" && /must differ/.test(detail)) return t("samePassword");
  if (head === "rules" && path[2] === "actions" && path[3] === "assignTo" && /no such user/.test(detail)) {
    return t("ruleAssignee", { n: Number(path[1]) + 1 });
  }
  if (head === "rules" && path.length === 1 && /appears twice/.test(detail)) return t("ruleDuplicate");
  if (head === "cursor") return t("staleCursor");
  if (head === "body" && /statement file is empty/.test(detail)) return t("emptyFile");

  const field = fieldLabel(path, ctx, t);
  if (!field) return null;
  if ((m = /^Too small: expected (?:string|array) to have >=(\d+) (?:characters|items)/.exec(detail))) {
    return Number(m[1]) <= 1 ? t("required", { field }) : t("tooShort", { field, min: m[1] });
  }
  if ((m = /must be at least (\d+) characters/.exec(detail))) return t("tooShort", { field, min: m[1] });
  if ((m = /^Too big: expected string to have <=(\d+) characters/.exec(detail))) return t("tooLong", { field, max: m[1] });
  if (/^Too (small|big): expected (number|array)/.test(detail)) return t("outOfRange", { field });
  if (/^Invalid input: expected \w+, received (undefined|null)/.test(detail)) return t("required", { field });
  return ctx.locale === "en" ? t("withDetail", { message: t("invalidValue", { field }), detail }) : t("invalidValue", { field });
}

/** What a `not_found` names: "订单 LD7K2M9QX4 不存在…", "收款不存在或已被删除…". */
function describeNotFound(message: string, ctx: ErrorContext, t: Translate): string {
  const order = /^Order (\S+) not found$/.exec(message);
  if (order) return t("orderNotFound", { reference: order[1] });
  const what = /^(.+?) not found$/.exec(message)?.[1];
  const subject = what ? ctx.messages.apiErrors.subjects[what] : undefined;
  return t("notFound", { what: subject ?? ctx.messages.apiErrors.subjects.default });
}

/** What stands in the way of an upload (lib/services/upload-archive.ts) or which other export it is (lib/core/statements), or null. */
function archiveProblem(message: string, t: Translate): string | null {
  const several = /holds several files \((.+)\): unpack/.exec(message);
  if (several) return t("zipSeveralFiles", { names: several[1] });
  if (/password-protected/.test(message)) return t("zipEncrypted");
  if (/zip file holds no file/.test(message)) return t("zipEmpty");
  if (/\(\.xls\)/.test(message)) return t("oldExcel");
  if (/workbook has no rows/.test(message)) return t("emptyFile");
  if (/资金账单/.test(message)) return t("wechatFundBill");
  if (/账务明细/.test(message)) return t("alipayAccountBill");
  if (/order export: import it as platform orders/.test(message)) return t("orderExportAsStatement");
  if (/camt\.052/.test(message)) return t("camt052");
  if (/statement or bill: import it as a statement/.test(message)) return t("statementAsOrders");
  return null;
}

/** Codes whose sentence says all there is, whatever the message. */
const FIXED_SENTENCES: Record<string, string> = {
  invalid_json: "invalidJson",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  wrong_password: "wrongPassword",
  use_account_page: "useAccountPage",
  order_closed: "orderClosed",
  no_suggestions: "noSuggestions",
  payment_allocated: "paymentAllocated",
  payment_refunded: "paymentRefunded",
  anomaly_resolved: "anomalyResolved",
  anomaly_open: "anomalyOpen",
  email_taken: "emailTaken",
  last_owner: "lastOwner",
  report_not_ready: "reportNotReady",
  unsupported_media_type: "unsupportedType",
  internal_error: "server",
};

/** The code's own sentence, or null to fall back on the generic one for the status. */
function describeKnown(err: ApiErrorLike, ctx: ErrorContext, t: Translate): string | null {
  const { message } = err;
  const fixed = Object.hasOwn(FIXED_SENTENCES, err.code) ? FIXED_SENTENCES[err.code] : undefined;
  if (fixed) return t(fixed);
  let m: RegExpExecArray | null;
  switch (err.code) {
    case "invalid_field":
    case "invalid_request":
      return describeField(message, ctx, t);
    case "invalid_statement":
      return /empty/.test(message) ? t("emptyFile") : (archiveProblem(message, t) ?? t("unreadableStatement"));
    case "invalid_file":
      return /the file is empty/.test(message) ? t("emptyFile") : (archiveProblem(message, t) ?? t("unreadableOrders"));
    case "not_found":
      return describeNotFound(message, ctx, t);
    case "suggestion_stale":
      return (m = /^Order (\S+) was paid/.exec(message)) ? t("suggestionStale", { reference: m[1] }) : t("conflict");
    case "report_too_large":
      return (m = /holds (\d+) payments/.exec(message)) ? t("reportTooLarge", { count: m[1] }) : t("reportTooLargeShort");
    case "rate_limited":
      return (m = /retry in (\d+) s/.exec(message)) ? t("rateLimited", { seconds: m[1] }) : t("rateLimitedShort");
    case "payload_too_large":
      return (m = /(\d+) MB/.exec(message)) ? t("tooLarge", { mb: m[1] }) : t("tooLargeShort");
    case "http_error":
      return err.status && err.status >= 500 ? t("unavailable", { status: err.status }) : null;
    default:
      return null;
  }
}

/** The generic sentence for an error nothing more is known of, by its status. */
function generic(err: ApiErrorLike, t: Translate): string {
  const status = err.status ?? 0;
  if (err.code === "conflict" || status === 409) return t("conflict");
  if (status === 400 || status === 422) return t("badRequest");
  if (status === 401) return t("unauthorized");
  if (status === 403) return t("forbidden");
  if (status === 404) return t("notFoundShort");
  if (status === 413) return t("tooLargeShort");
  if (status === 429) return t("rateLimitedShort");
  if (status >= 500) return t("server");
  return t("generic");
}

/**
 * An API error as one sentence in the reader's language: the code's (and field's) own translation,
 * amounts in yuan (or the payment's currency), never a request path; else the generic sentence for
 * the status, with the server's detail appended only in the English UI.
 */
export function describeApiError(err: ApiErrorLike, ctx: ErrorContext): string {
  const t = translator(ctx);
  const known = describeKnown(err, ctx, t);
  if (known) return known;
  const text = generic(err, t);
  return ctx.locale === "en" && err.message ? t("withDetail", { message: text, detail: englishDetail(err.message, ctx, t) }) : text;
}

/** Any error a request threw: an API error as above, anything else (the network) as the fallback given or a network sentence. */
export function describeError(err: unknown, ctx: ErrorContext, fallback?: string): string {
  if (isApiErrorLike(err)) return describeApiError(err, ctx);
  return fallback ?? translator(ctx)("network");
}
