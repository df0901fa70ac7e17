import path from "node:path";

/** Runtime configuration; the only module that reads process.env (besides Next/Auth.js internals). */
export interface AppConfig {
  databaseUrl: string | null;
  databaseDriver: "pglite" | "postgres" | "neon";
  dataDir: string;
  pgliteDir: string;
  neonWsProxy: string | null;
  encryptionKey: string | null;
  jobsMode: "inngest" | "embedded";
  signupEnabled: boolean;
  publicBaseUrl: string | null;
  demoSeed: boolean;
  apiRateLimitPerMinute: number;
  signupRateLimitPerHour: number;
  databasePoolMax: number;
  /** Where report jobs keep their status and output files (under the data dir; shared storage when several instances serve). */
  reportsDir: string;
  /** A report over more payments than this is built as a background job instead of streamed at once. */
  reportAsyncThreshold: number;
  /** LDXP_BENCH_ROUTES=1 turns on /api/bench/* (benchmark baselines only; never set in production). */
  benchRoutes: boolean;
  /** The Alipay public key (PEM, or base64 of it) the verify-only bench route checks signatures against. */
  benchAlipayPublicKey: string | null;
  /** LDXP_WEBHOOK_ALLOW_PRIVATE=1 lets storefront webhooks target private addresses (development, a storefront on the same LAN). */
  webhookAllowPrivate: boolean;
}

const NEON_HOST = /\.neon\.tech$|\.neon\.build$/;

function pickDriver(url: string | null, explicit: string | undefined): AppConfig["databaseDriver"] {
  if (!url) return "pglite";
  if (explicit === "neon" || explicit === "postgres") return explicit;
  if (explicit && explicit !== "") throw new Error(`DATABASE_DRIVER must be "neon" or "postgres", got "${explicit}"`);
  try {
    return NEON_HOST.test(new URL(url).hostname) ? "neon" : "postgres";
  } catch {
    throw new Error("DATABASE_URL is not a valid postgres:// URL");
  }
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : fallback;
}

// A PEM spans lines, which env files and shells mangle; accept it base64-encoded as well.
function decodePem(value: string | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  return v.startsWith("-----BEGIN") ? v : atob(v);
}

/** Reads the configuration from the environment each call (tests switch databases between files). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.LDXP_DATA_DIR?.trim() || ".data");
  return {
    databaseUrl,
    databaseDriver: pickDriver(databaseUrl, env.DATABASE_DRIVER?.trim()),
    dataDir,
    pgliteDir: env.PGLITE_DIR?.trim() || path.join(dataDir, "pglite"),
    neonWsProxy: env.NEON_WS_PROXY?.trim() || null,
    encryptionKey: env.ENCRYPTION_KEY?.trim() || null,
    jobsMode: env.INNGEST_DEV || env.INNGEST_EVENT_KEY ? "inngest" : "embedded",
    signupEnabled: env.SIGNUP_ENABLED !== "false",
    publicBaseUrl: env.PUBLIC_BASE_URL?.trim().replace(/\/$/, "") || null,
    demoSeed: env.LDXP_DEMO_SEED === "1",
    apiRateLimitPerMinute: positiveInt(env.API_RATE_LIMIT_PER_MINUTE, 6000),
    signupRateLimitPerHour: positiveInt(env.SIGNUP_RATE_LIMIT_PER_HOUR, 20),
    databasePoolMax: positiveInt(env.DATABASE_POOL_MAX, 10),
    reportsDir: env.LDXP_REPORTS_DIR?.trim() || path.join(dataDir, "reports"),
    reportAsyncThreshold: positiveInt(env.LDXP_REPORT_ASYNC_THRESHOLD, 50_000),
    benchRoutes: env.LDXP_BENCH_ROUTES === "1",
    benchAlipayPublicKey: decodePem(env.LDXP_BENCH_ALIPAY_PUBLIC_KEY),
    webhookAllowPrivate: env.LDXP_WEBHOOK_ALLOW_PRIVATE === "1",
  };
}
