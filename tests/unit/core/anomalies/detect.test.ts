import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE_SEVERITY, detectAnomalies, severityFor } from "@/lib/core/anomalies";
import { allocation, input, minutesAgo, order, payment } from "./factories";

describe("detectAnomalies", () => {
  it("runs every detector and returns one finding per kind and subject, in a stable order", () => {
    const unmatched = payment({ status: "unmatched", receivedAt: minutesAgo(3000), channelTransactionId: "DUP" });
    const again = payment({ status: "unmatched", receivedAt: minutesAgo(3000), channelTransactionId: "DUP", amount: 1 });
    const p = payment({ amount: 12750 });
    const short = order({ status: "partially_paid", paidAmount: 12750 });
    const facts = input({ payments: [unmatched, again, p], orders: [short], allocations: [allocation(p, short)] });
    const found = detectAnomalies(facts);
    expect(found.map((f) => f.kind)).toEqual(["amount_mismatch", "duplicate_voucher", "unmatched_overdue", "unmatched_overdue"]);
    expect(detectAnomalies(facts)).toEqual(found);
    expect(detectAnomalies(input())).toEqual([]);
  });

  it("is deterministic whatever the order of the rows", () => {
    const rows = [
      payment({ status: "unmatched", receivedAt: minutesAgo(5000) }),
      payment({ status: "suggested", receivedAt: minutesAgo(4000) }),
      payment({ channelTransactionId: "X", amount: 5 }),
      payment({ channelTransactionId: "X", amount: 6 }),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }), (shuffled) => {
        expect(detectAnomalies(input({ payments: shuffled }))).toEqual(detectAnomalies(input({ payments: rows })));
      }),
    );
  });
});

describe("severityFor", () => {
  it("starts at the kind's base and only ever raises with the amount", () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(BASE_SEVERITY) as (keyof typeof BASE_SEVERITY)[])), fc.integer({ min: -2e9, max: 2e9 }), (kind, stakes) => {
        const order = ["low", "medium", "high"];
        expect(order.indexOf(severityFor(kind, stakes))).toBeGreaterThanOrEqual(order.indexOf(BASE_SEVERITY[kind]));
        expect(severityFor(kind, stakes)).toBe(severityFor(kind, -stakes));
      }),
    );
    expect(severityFor("amount_mismatch", 50)).toBe("low");
    expect(severityFor("amount_mismatch", 100_000)).toBe("medium");
    expect(severityFor("amount_mismatch", 1_000_000)).toBe("high");
  });
});
