import { describe, expect, it } from "vitest";
import { detectUnmatchedOverdue } from "@/lib/core/anomalies/detectors/unmatched-overdue";
import { input, minutesAgo, payment } from "./factories";

describe("detectUnmatchedOverdue", () => {
  it("flags an unmatched payment older than the threshold, measured from receivedAt", () => {
    const p = payment({ status: "unmatched", allocatedAmount: 0, receivedAt: minutesAgo(2 * 24 * 60), channelTransactionId: "BK001" });
    const [f] = detectUnmatchedOverdue(input({ payments: [p] }));
    expect(f).toMatchObject({ kind: "unmatched_overdue", subjectKey: `payment:${p.id}`, paymentId: p.id, severity: "medium", ageMinutes: 2880 });
    expect(f.message.zh).toContain("未匹配");
    expect(f.message.zh).toContain("¥128.00");
    expect(f.message.en).toContain("BK001");
  });

  it("leaves payments at or under the threshold alone, and honours the merchant's threshold", () => {
    const exactly = payment({ status: "unmatched", receivedAt: minutesAgo(24 * 60) });
    const young = payment({ status: "unmatched", receivedAt: minutesAgo(60) });
    expect(detectUnmatchedOverdue(input({ payments: [exactly, young] }))).toEqual([]);
    const strict = input({ payments: [young], settings: { unmatchedThresholdMinutes: 30, differenceLimit: 100, timeZone: "Asia/Shanghai" } });
    expect(detectUnmatchedOverdue(strict).map((f) => f.paymentId)).toEqual([young.id]);
  });

  it("counts suggested as unmatched; matched, partially matched and ignored are not overdue", () => {
    const old = minutesAgo(3 * 24 * 60);
    const rows = (["suggested", "matched", "partially_matched", "ignored"] as const).map((status) => payment({ status, receivedAt: old }));
    const found = detectUnmatchedOverdue(input({ payments: rows }));
    expect(found.map((f) => f.paymentId)).toEqual([rows[0].id]);
    expect(found[0].message.en).toContain("suggestions");
  });

  it("raises severity with the amount", () => {
    const old = minutesAgo(3000);
    const sev = (amount: number) => detectUnmatchedOverdue(input({ payments: [payment({ status: "unmatched", amount, receivedAt: old })] }))[0].severity;
    expect(sev(99_999)).toBe("medium");
    expect(sev(100_000)).toBe("high");
    expect(sev(5_000_000)).toBe("high");
  });

  it("leaves money that went back whole alone; a partial refund is still money to place", () => {
    const old = minutesAgo(3 * 24 * 60);
    const whole = payment({ status: "unmatched", amount: 8800, refundedAmount: 8800, receivedAt: old });
    const part = payment({ status: "unmatched", amount: 8800, refundedAmount: 800, receivedAt: old });
    expect(detectUnmatchedOverdue(input({ payments: [whole, part] })).map((f) => f.paymentId)).toEqual([part.id]);
  });
});
