import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native or WASM packages must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pg", "ws", "@neondatabase/serverless"],
  poweredByHeader: false,
  // Keeps `next dev` from writing AGENTS.md into the repo.
  agentRules: false,
};

export default nextConfig;
