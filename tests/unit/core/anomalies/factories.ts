// Test-only builders: plain facts for the pure detectors, with defaults that trigger nothing.
import type { AllocationFacts, DetectionInput, OrderFacts, PaymentFacts } from "@/lib/core/anomalies";

export const NOW = new Date("2026-11-25T12:00:00.000Z");
export const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

let seq = 0;
const id = (prefix: string) => `${prefix}-${String(++seq).padStart(4, "0")}`;

export function payment(over: Partial<PaymentFacts> = {}): PaymentFacts {
  return {
    id: id("pay"),
    channelAccountId: "acct-1",
    channel: "bank",
    origin: "statement",
    channelTransactionId: id("serial"),
    amount: 12800,
    currency: "CNY",
    receivedAt: minutesAgo(30),
    recordedAt: minutesAgo(29),
    status: "matched",
    allocatedAmount: 12800,
    refundedAmount: 0,
    payerName: "张三",
    memo: "货款",
    confirmedByBillAt: null,
    statementId: null,
    details: {},
    ...over,
  };
}

export function order(over: Partial<OrderFacts> = {}): OrderFacts {
  return {
    id: id("ord"),
    reference: "LD7K2M9QX4",
    amount: 12800,
    currency: "CNY",
    status: "paid",
    paidAmount: 12800,
    refundedAmount: 0,
    writtenOffAmount: 0,
    expiresAt: new Date(NOW.getTime() + 3600_000),
    closedAt: null,
    ...over,
  };
}

export const allocation = (p: PaymentFacts, o: OrderFacts, amount = p.amount): AllocationFacts => ({ paymentId: p.id, orderId: o.id, amount });

export function input(over: Partial<DetectionInput> = {}): DetectionInput {
  return {
    now: NOW,
    settings: { unmatchedThresholdMinutes: 24 * 60, differenceLimit: 100, timeZone: "Asia/Shanghai" },
    payments: [],
    orders: [],
    allocations: [],
    refundTotals: new Map(),
    refusedRefunds: [],
    rejectedNotifications: [],
    credentialExpiries: [],
    lastStatementAt: new Map(),
    acceptedWriteOffs: new Map(),
    ...over,
  };
}
