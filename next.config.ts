import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

// Points next-intl at i18n/request.ts, which picks the language from the `lang` cookie (no locale in the URL).
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  // Browsers ignore HSTS over plain http, so it is safe to send always; it matters behind https.
  { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
];

const nextConfig: NextConfig = {
  // Native or WASM packages must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pg", "ws", "@neondatabase/serverless", "pdfkit", "exceljs"],
  // The PDF report reads its CJK fonts from the package folder at run time: keep them in traced deployments.
  outputFileTracingIncludes: { "/api/**/*": ["./node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-{Regular,Bold}.otf"] },
  poweredByHeader: false,
  // Keeps `next dev` from writing AGENTS.md into the repo.
  agentRules: false,
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // Pages get a per-response nonce policy from proxy.ts; API answers are never rendered as documents.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default withNextIntl(nextConfig);
