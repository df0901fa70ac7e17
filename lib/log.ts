/**
 * Structured logger (pino, JSON lines). Every line written while an HTTP request is handled carries
 * that request's id, and fields whose names look secret are replaced before anything is written:
 * a caller that logs a header bag or a credential object by mistake still leaks nothing.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";

type Fields = Record<string, unknown>;

const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` with a request id that every log line written inside it (including awaited work) carries. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn);
}

export const REDACTED = "[redacted]";
// "key" only as a suffix (apiKey, private_key, apiV3Key): keyId and apiKeyId are identifiers worth logging.
const SECRET_NAME = /authorization|cookie|password|passwd|secret|token|signature|credential|payer_?account|key$/i;
const MAX_DEPTH = 8;

function isPlainObject(value: unknown): value is Fields {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Copies the fields with secret-looking names replaced, at any depth. */
export function redactFields(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => redactFields(item, depth + 1, seen));
  }
  if (value instanceof Headers) return redactFields(Object.fromEntries(value), depth, seen);
  // Serialised here, whatever the field is called: JSON.stringify would turn an Error into {}.
  if (value instanceof Error) return pino.stdSerializers.err(value);
  if (!isPlainObject(value)) return value;
  seen.add(value);
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_NAME.test(k) && v != null ? REDACTED : redactFields(v, depth + 1, seen);
  return out;
}

const LEVELS = new Set([...Object.keys(pino.levels.values), "silent"]);
const levelFromEnv = () => {
  const wanted = (process.env.LOG_LEVEL ?? "info").toLowerCase();
  return LEVELS.has(wanted) ? wanted : "info";
};

/** Info and below to stdout, warnings and errors to stderr, as process supervisors expect. */
function createLogger(): Logger {
  const streams = pino.multistream(
    [
      { level: "trace", stream: process.stdout },
      { level: "warn", stream: process.stderr },
    ],
    { dedupe: true },
  );
  return pino(
    {
      level: levelFromEnv(),
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redactFields(fields) as Fields },
      mixin: () => requestContext.getStore() ?? {},
    },
    streams,
  );
}

let instance: Logger | null = null;

function write(level: "debug" | "info" | "warn" | "error", fields: Fields, msg: string) {
  instance ??= createLogger();
  // LOG_LEVEL is read per call: test setups set it after this module was first imported.
  const wanted = levelFromEnv();
  if (instance.level !== wanted) instance.level = wanted;
  instance[level](fields, msg);
}

export const logger = {
  debug: (fields: Fields, msg: string) => write("debug", fields, msg),
  info: (fields: Fields, msg: string) => write("info", fields, msg),
  warn: (fields: Fields, msg: string) => write("warn", fields, msg),
  error: (fields: Fields, msg: string) => write("error", fields, msg),
};
