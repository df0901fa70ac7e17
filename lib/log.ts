/**
 * Minimal structured logger (JSON lines). Secrets never pass through it: callers log ids, not bodies.
 */
type Fields = Record<string, unknown>;

function serialize(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;
  }
  return out;
}

function write(level: string, fields: Fields, msg: string) {
  if (process.env.LOG_LEVEL === "silent") return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...serialize(fields) });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const logger = {
  info: (fields: Fields, msg: string) => write("info", fields, msg),
  warn: (fields: Fields, msg: string) => write("warn", fields, msg),
  error: (fields: Fields, msg: string) => write("error", fields, msg),
};
