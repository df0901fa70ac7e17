import { describe, expect, it } from "vitest";
import { logger, REDACTED, redactFields, withRequestId } from "@/lib/log";
import { captureLogLines } from "../../helpers/log-capture";

describe("structured logger", () => {
  it("redacts secret-looking fields at any depth and keeps identifiers", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const out = redactFields({
      headers: { authorization: "Bearer ldxp_live_abc", Cookie: "authjs.session-token=xyz", "content-type": "text/plain" },
      account: { appId: "2021", privateKey: "-----BEGIN PRIVATE KEY-----", apiV3Key: "k", clientSecret: "s", x_api_key: "x" },
      credentials: { anything: "in here" },
      body: [{ password: "hunter2", payerAccount: "6214830012345678", payer_account: "6214", amount: 100 }],
      signature: "sig",
      token: "t",
      apiKeyId: "b1d0c0de-0000-4000-8000-000000000001",
      keyId: "k1",
      cyclic,
    });
    expect(out).toEqual({
      headers: { authorization: REDACTED, Cookie: REDACTED, "content-type": "text/plain" },
      account: { appId: "2021", privateKey: REDACTED, apiV3Key: REDACTED, clientSecret: REDACTED, x_api_key: REDACTED },
      credentials: REDACTED,
      body: [{ password: REDACTED, payerAccount: REDACTED, payer_account: REDACTED, amount: 100 }],
      signature: REDACTED,
      token: REDACTED,
      apiKeyId: "b1d0c0de-0000-4000-8000-000000000001",
      keyId: "k1",
      cyclic: { name: "loop", self: "[circular]" },
    });
    expect(redactFields({ h: new Headers({ authorization: "Bearer x", accept: "*/*" }) })).toEqual({ h: { authorization: REDACTED, accept: "*/*" } });
  });

  it("writes JSON lines with level, time, message, request id and no secret, errors under any name serialised", async () => {
    const { lines } = await captureLogLines(async () => {
      logger.info({ outside: true }, "no request");
      await withRequestId("req-42", async () => {
        await new Promise((r) => setTimeout(r, 1));
        logger.warn({ headers: { authorization: "Bearer ldxp_live_secret" }, failure: new Error("boom") }, "inside");
      });
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "info", msg: "no request", outside: true });
    expect(lines[0].requestId).toBeUndefined();
    expect(lines[1]).toMatchObject({ level: "warn", msg: "inside", requestId: "req-42", headers: { authorization: REDACTED } });
    expect(lines[1].failure).toMatchObject({ type: "Error", message: "boom" });
    expect(typeof lines[1].time).toBe("string");
    expect(JSON.stringify(lines)).not.toContain("ldxp_live_secret");
  });

  it("LOG_LEVEL is honoured, silent writes nothing", async () => {
    process.env.LOG_LEVEL = "silent";
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: unknown) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      logger.error({}, "should not appear");
      logger.info({}, "nor this");
    } finally {
      process.stdout.write = original;
      delete process.env.LOG_LEVEL;
    }
    expect(written).toEqual([]);
  });
});
