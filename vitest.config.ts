import fs from "node:fs";
import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
const alias = { "@": root, "server-only": path.join(root, "tests/helpers/server-only.ts") };

const UNIT = "tests/unit";
const INTEGRATION = "tests/integration";
// Files that replace a module with vi.mock: with modules shared across files, the mock would not reach
// code an earlier file had already loaded, so these keep a fresh module graph (and process) each.
const mockingFiles = (dir: string) =>
  fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts") && /\bvi\.mock\(/.test(fs.readFileSync(path.join(root, dir, f), "utf8")))
    .map((f) => `${dir}/${f}`);
const MOCKING = mockingFiles(INTEGRATION);
const UNIT_MOCKING = mockingFiles(UNIT);
const unit = (name: string, files: { include: string[]; exclude: string[]; isolate: boolean }) => ({
  resolve: { alias },
  test: { name, include: files.include, exclude: [...configDefaults.exclude, ...files.exclude], isolate: files.isolate, environment: "node", testTimeout: 20_000 },
});

// The integration suite runs three times: on embedded PGlite, on the local PostgreSQL through
// node-postgres, and through the Neon serverless driver via a local WebSocket proxy.
// A suite that measures something only one driver exposes is left out of the others (`exclude`), not skipped there.
// Each driver's files share their worker's modules (`isolate: false`: no new process, module graph and
// PGlite per file, which took most of the run); setupTestDatabase gives every file its own database
// all the same. The mocking files run apart, isolated, in `<driver>-isolated`; `--project '<driver>*'` runs both.
const integration = (name: string, env: Record<string, string>, exclude: string[] = []) => [
  integrationProject(name, env, { include: [`${INTEGRATION}/**/*.test.ts`], exclude: [...exclude, ...MOCKING], isolate: false }),
  integrationProject(`${name}-isolated`, env, { include: MOCKING, exclude, isolate: true }),
];

const integrationProject = (name: string, env: Record<string, string>, files: { include: string[]; exclude: string[]; isolate: boolean }) => ({
  resolve: { alias },
  test: {
    name,
    include: files.include,
    exclude: [...configDefaults.exclude, ...files.exclude],
    isolate: files.isolate,
    environment: "node",
    // The delivery and invariant suites take their size from the environment; CI runs a short version.
    env: {
      LDXP_DELIVERY_COUNT: process.env.LDXP_DELIVERY_COUNT ?? "100",
      LDXP_INVARIANT_RUNS: process.env.LDXP_INVARIANT_RUNS ?? "10",
      ...env,
      SIGNUP_RATE_LIMIT_PER_HOUR: "100000",
      API_RATE_LIMIT_PER_MINUTE: "100000",
    },
    globalSetup: ["tests/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      // The unit files share their worker's modules too (68 s → 43 s); any that mocks a module runs apart.
      unit("unit", { include: [`${UNIT}/**/*.test.ts`], exclude: UNIT_MOCKING, isolate: false }),
      ...(UNIT_MOCKING.length ? [unit("unit-isolated", { include: UNIT_MOCKING, exclude: [], isolate: true })] : []),
      // Racing writers need a second connection, which embedded PGlite does not have.
      ...integration("pglite", { TEST_DB: "pglite" }, ["tests/integration/statement-bulk-race.test.ts", "tests/integration/set-based-references-race.test.ts", "tests/integration/manual-match-race.test.ts", "tests/integration/match-lock-race.test.ts"]),
      // The 100k import's heap sampler hooks PGlite's synchronous protocol calls; the import code is the same on every driver.
      ...integration("postgres", { TEST_DB: "postgres" }, ["tests/integration/order-import-large.test.ts"]),
      ...integration("neon", { TEST_DB: "neon" }, ["tests/integration/order-import-large.test.ts"]),
    ],
  },
});
