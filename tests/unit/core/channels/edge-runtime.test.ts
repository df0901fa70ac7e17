import { fileURLToPath } from "node:url";
import { EdgeVM } from "@edge-runtime/vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { readFixture, tradeStatusSync } from "./alipay/fixtures";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

// Bundling for the browser platform fails on any node: import, and the Edge VM has no process/require/Buffer,
// so passing here is the proof that lib/core/channels can run in a Next.js edge route or middleware.
describe("lib/core/channels on the Edge runtime", () => {
  let vm: EdgeVM;

  beforeAll(async () => {
    const result = await build({
      entryPoints: ["lib/core/channels/index.ts"],
      absWorkingDir: repoRoot,
      tsconfig: "tsconfig.json",
      bundle: true,
      write: false,
      format: "iife",
      globalName: "channels",
      platform: "browser",
      target: "es2022",
      logLevel: "silent",
    });
    vm = new EdgeVM();
    vm.evaluate(result.outputFiles[0].text);
  });

  it("would fail to bundle a node: import, so the bundle below is Node-free", async () => {
    const bundleNodeImport = build({
      stdin: { contents: 'import { createHash } from "node:crypto"; export const h = createHash;', resolveDir: repoRoot },
      bundle: true,
      write: false,
      platform: "browser",
      logLevel: "silent",
    });
    await expect(bundleNodeImport).rejects.toThrow(/node:crypto/);
  });

  it("has no Node globals inside the VM", () => {
    expect(vm.evaluate("typeof process")).toBe("undefined");
    expect(vm.evaluate("typeof require")).toBe("undefined");
    expect(vm.evaluate("typeof Buffer")).toBe("undefined");
    expect(vm.evaluate("typeof channels.verifyAlipaySignature")).toBe("function");
  });

  it("verifies the real Alipay notify with Web Crypto and rejects a tampered copy", async () => {
    const pem = JSON.stringify(readFixture("trade_status_sync.alipay_public_key.pem"));
    const verify = (params: Record<string, string>) =>
      vm.evaluate<Promise<boolean>>(`channels.verifyAlipaySignature(${JSON.stringify(params)}, ${pem})`);
    expect(await verify(tradeStatusSync())).toBe(true);
    expect(await verify({ ...tradeStatusSync(), total_amount: "0.11" })).toBe(false);
  });

  it("parses and normalizes a raw body inside the VM", () => {
    const body = JSON.stringify(new URLSearchParams(tradeStatusSync()).toString());
    const json = vm.evaluate<string>(`JSON.stringify(channels.normalizeAlipayNotification(channels.parseAlipayForm(${body})))`);
    expect(JSON.parse(json).payment).toMatchObject({ amount: 10, receivedAt: "2019-08-15T07:56:24.000Z" });
  });
});
