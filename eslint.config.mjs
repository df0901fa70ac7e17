import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", "out/**", "build/**", "next-env.d.ts", ".data/**", ".data-*/**", "drizzle/**", "test-results/**", "playwright-report/**", ".ci-out/**"]),
  {
    // The domain core stays pure: no framework, database, jobs, environment or clock.
    files: ["lib/core/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["next", "next/*", "drizzle-orm", "drizzle-orm/*", "inngest", "inngest/*", "@/lib/db", "@/lib/db/*", "@/lib/services/*", "node:*"] }],
      "no-restricted-globals": ["error", "process", "Buffer"],
      "no-restricted-properties": ["error", { object: "Date", property: "now" }, { object: "Math", property: "random" }],
    },
  },
]);
