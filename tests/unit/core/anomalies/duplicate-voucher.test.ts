import { describe, expect, it } from "vitest";
import { detectDuplicateVoucher } from "@/lib/core/anomalies/detectors/duplicate-voucher";
import { input, minutesAgo, payment } from "./factories";

describe("detectDuplicateVoucher", () => {
  it("flags one serial on one account arriving with a different amount", () => {
    // Same booking time, recorded an hour apart: the later copy is the suspicious one.
    const a = payment({ channelTransactionId: "S100", amount: 20000, receivedAt: minutesAgo(120), recordedAt: minutesAgo(100) });
    const b = payment({ channelTransactionId: "S100", amount: 2000, receivedAt: minutesAgo(120), recordedAt: minutesAgo(40) });
    const [f] = detectDuplicateVoucher(input({ payments: [b, a] }));
    expect(f).toMatchObject({ kind: "duplicate_voucher", subjectKey: "voucher:acct-1:S100", paymentId: b.id, severity: "high", ageMinutes: 40 });
    expect(f.details).toMatchObject({ paymentIds: [a.id, b.id], amounts: [20000, 2000] });
    expect(f.message.zh).toContain("S100");
  });

  it("flags a different booking date in the merchant's zone, not a different instant on the same day", () => {
    // 2026-11-24T16:30Z is 00:30 on the 25th in Shanghai; 2026-11-25T01:00Z is 09:00 on the 25th.
    const sameDay = [
      payment({ channelTransactionId: "S1", receivedAt: new Date("2026-11-24T16:30:00Z") }),
      payment({ channelTransactionId: "S1", receivedAt: new Date("2026-11-25T01:00:00Z") }),
    ];
    expect(detectDuplicateVoucher(input({ payments: sameDay }))).toEqual([]);
    const otherDay = [
      payment({ channelTransactionId: "S2", receivedAt: new Date("2026-11-24T15:30:00Z") }),
      payment({ channelTransactionId: "S2", receivedAt: new Date("2026-11-24T16:30:00Z") }),
    ];
    expect(detectDuplicateVoucher(input({ payments: otherDay }))).toHaveLength(1);
  });

  it("copies from two imports are a duplicate; entries side by side in one statement file are not", () => {
    const sameFile = [
      payment({ channelTransactionId: "07582000303KBMSU", amount: 153700, statementId: "st-1" }),
      payment({ channelTransactionId: "07582000303KBMSU", amount: 169222, statementId: "st-1" }),
    ];
    expect(detectDuplicateVoucher(input({ payments: sameFile }))).toEqual([]);
    const twoFiles = [sameFile[0], payment({ channelTransactionId: "07582000303KBMSU", amount: 1537, statementId: "st-2" })];
    expect(detectDuplicateVoucher(input({ payments: twoFiles }))).toHaveLength(1);
  });

  it("keeps accounts apart and ignores payments marked ignored", () => {
    const rows = [
      payment({ channelTransactionId: "S3", amount: 100 }),
      payment({ channelTransactionId: "S3", amount: 200, channelAccountId: "acct-2" }),
      payment({ channelTransactionId: "S4", amount: 100 }),
      payment({ channelTransactionId: "S4", amount: 200, status: "ignored" }),
    ];
    expect(detectDuplicateVoucher(input({ payments: rows }))).toEqual([]);
  });
});
