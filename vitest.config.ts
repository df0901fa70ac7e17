import fs from "node:fs";
import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
const alias = { "@": root, "server-only": path.join(root, "tests/helpers/server-only.ts") };

// Files that replace a module with vi.mock: with modules shared across files, the mock would not reach
// code an earlier file had already loaded, so these keep a fresh module graph (and process) each.
const mockingFiles = (dir: string) =>
  fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".test.ts") && /\bvi\.mock\(/.test(fs.readFileSync(path.join(root, dir, f), "utf8")))
    .map((f) => `${dir}/${f}`);
const UNIT_MOCKING = mockingFiles("tests/unit");
const INTEGRATION_MOCKING = mockingFiles("tests/integration");

/**
 * A suite as projects: `name`, whose files share their worker's modules (`isolate: false`: no new
 * process and module graph per file, which took most of the run), and `name-isolated` for the files
 * of it that mock a module, when there are any. `--project '<name>*'` runs both.
 */
function suite(name: string, dir: string, mocking: string[], exclude: string[], test: Record<string, unknown>) {
  const isolated = mocking.filter((f) => !exclude.includes(f));
  const project = (projectName: string, include: string[], excluded: string[], isolate: boolean) => ({
    resolve: { alias },
    test: { ...test, name: projectName, include, exclude: [...configDefaults.exclude, ...excluded], isolate },
  });
  return [
    project(name, [`${dir}/**/*.test.ts`], [...exclude, ...isolated], false),
    ...(isolated.length ? [project(`${name}-isolated`, isolated, [], true)] : []),
  ];
}

// The integration suite runs three times: on embedded PGlite, on the local PostgreSQL through
// node-postgres, and through the Neon serverless driver via a local WebSocket proxy.
// A suite that measures something only one driver exposes is left out of the others (`exclude`), not skipped there.
// Its files share modules but not data: setupTestDatabase gives every file its own database.
const integration = (name: string, env: Record<string, string>, exclude: string[] = []) =>
  suite(name, "tests/integration", INTEGRATION_MOCKING, exclude, {
    environment: "node",
    // The delivery and invariant suites take their size from the environment; CI runs a short version.
    env: {
      LDXP_DELIVERY_COUNT: process.env.LDXP_DELIVERY_COUNT ?? "100",
      LDXP_INVARIANT_RUNS: process.env.LDXP_INVARIANT_RUNS ?? "10",
      // The storefront suites stand up their endpoints on 127.0.0.1.
      LDXP_WEBHOOK_ALLOW_PRIVATE: "1",
      ...env,
      SIGNUP_RATE_LIMIT_PER_HOUR: "100000",
      API_RATE_LIMIT_PER_MINUTE: "100000",
    },
    globalSetup: ["tests/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  });

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      ...suite("unit", "tests/unit", UNIT_MOCKING, [], { environment: "node", testTimeout: 20_000 }),
      // Racing writers need a second connection, which embedded PGlite does not have.
      ...integration("pglite", { TEST_DB: "pglite" }, ["tests/integration/statement-bulk-race.test.ts", "tests/integration/set-based-references-race.test.ts", "tests/integration/manual-match-race.test.ts", "tests/integration/match-lock-race.test.ts"]),
      // The 100k import's heap sampler hooks PGlite's synchronous protocol calls; the import code is the same on every driver.
      ...integration("postgres", { TEST_DB: "postgres" }, ["tests/integration/order-import-large.test.ts"]),
      ...integration("neon", { TEST_DB: "neon" }, ["tests/integration/order-import-large.test.ts"]),
    ],
  },
});
