import { describe, expect, it } from "vitest";
import { detectSignatureFailures } from "@/lib/core/anomalies/detectors/signature-failures";
import { input, NOW } from "./factories";

const at = (iso: string) => new Date(iso);
const rejected = (channelAccountId: string, times: string[]) =>
  times.map((t) => ({ channelAccountId, channel: "alipay" as const, receivedAt: at(t) }));

describe("detectSignatureFailures", () => {
  it("five failures on one account within ten minutes open one high-severity anomaly per hour bucket", () => {
    const rows = rejected("acct-9", ["2026-11-25T10:01:00Z", "2026-11-25T10:03:00Z", "2026-11-25T10:05:00Z", "2026-11-25T10:08:00Z", "2026-11-25T10:11:00Z"]);
    const [f, ...rest] = detectSignatureFailures(input({ rejectedNotifications: rows }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: "signature_failures", subjectKey: "signature:acct-9:2026-11-25T10", severity: "high", channel: "alipay" });
    expect(f.details).toMatchObject({ failures: 5, firstAt: "2026-11-25T10:01:00.000Z", lastAt: "2026-11-25T10:11:00.000Z" });
    expect(f.ageMinutes).toBe((NOW.getTime() - at("2026-11-25T10:01:00Z").getTime()) / 60_000);
  });

  it("four failures, or five spread over more than ten minutes, are noise", () => {
    const four = rejected("a", ["2026-11-25T10:00:00Z", "2026-11-25T10:01:00Z", "2026-11-25T10:02:00Z", "2026-11-25T10:03:00Z"]);
    const spread = rejected("b", ["2026-11-25T10:00:00Z", "2026-11-25T10:04:00Z", "2026-11-25T10:08:00Z", "2026-11-25T10:12:00Z", "2026-11-25T10:16:00Z"]);
    expect(detectSignatureFailures(input({ rejectedNotifications: [...four, ...spread] }))).toEqual([]);
  });

  it("keeps accounts apart and separates bursts in different hours", () => {
    const burst = (h: string) => ["00", "01", "02", "03", "04"].map((m) => `2026-11-25T${h}:${m}:00Z`);
    const rows = [...rejected("a", [...burst("08"), ...burst("09")]), ...rejected("b", burst("08"))];
    const keys = detectSignatureFailures(input({ rejectedNotifications: rows })).map((f) => f.subjectKey).sort();
    expect(keys).toEqual(["signature:a:2026-11-25T08", "signature:a:2026-11-25T09", "signature:b:2026-11-25T08"]);
  });
});
