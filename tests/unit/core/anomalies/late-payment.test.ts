import { describe, expect, it } from "vitest";
import { detectLatePayment } from "@/lib/core/anomalies/detectors/late-payment";
import { allocation, input, minutesAgo, order, payment } from "./factories";

describe("detectLatePayment", () => {
  it("flags money placed on an order that expired before the payment arrived", () => {
    const p = payment({ receivedAt: minutesAgo(60) });
    const o = order({ expiresAt: minutesAgo(300) });
    const [f] = detectLatePayment(input({ payments: [p], orders: [o], allocations: [allocation(p, o)] }));
    expect(f).toMatchObject({ kind: "late_payment", subjectKey: `allocation:${p.id}:${o.id}`, orderId: o.id, paymentId: p.id });
    expect(f.message.zh).toContain("4 小时");
  });

  it("flags a payment after the order was closed, or on an order still marked closed", () => {
    const p = payment({ receivedAt: minutesAgo(10) });
    const closedBefore = order({ closedAt: minutesAgo(20) });
    const stillClosed = order({ status: "closed", expiresAt: null });
    const found = detectLatePayment(input({ payments: [p], orders: [closedBefore, stillClosed], allocations: [allocation(p, closedBefore), allocation(p, stillClosed)] }));
    expect(found.map((f) => f.orderId)).toEqual([closedBefore.id, stillClosed.id]);
  });

  it("leaves payments made in time alone", () => {
    const p = payment({ receivedAt: minutesAgo(60) });
    const o = order({ expiresAt: minutesAgo(59) });
    const noDeadline = order({ expiresAt: null });
    expect(detectLatePayment(input({ payments: [p], orders: [o, noDeadline], allocations: [allocation(p, o), allocation(p, noDeadline)] }))).toEqual([]);
  });
});
