import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildReconciliationReport, type ReconciliationReport, type ReportAnomalyRow, type ReportFigures } from "@/lib/core/reports";
import { allocationOf, payment, refundOf } from "./fixtures";

const params = { from: "2024-03-01", to: "2024-03-31", timeZone: "Asia/Shanghai" };
const FIGURES: (keyof ReportFigures)[] = ["count", "grossAmount", "refundCount", "refundedAmount", "netAmount", "matchedAmount", "unmatchedAmount", "writtenOffAmount"];

function expectReconciles(r: ReconciliationReport) {
  for (const k of FIGURES) {
    expect(r.channels.reduce((s, c) => s + c[k], 0), `channels ${k}`).toBe(r.totals[k]);
    expect(r.daily.reduce((s, d) => s + d[k], 0), `daily ${k}`).toBe(r.totals[k]);
  }
  for (const f of [r.totals, ...r.channels, ...r.daily]) {
    expect(f.grossAmount - f.refundedAmount).toBe(f.netAmount);
    expect(f.matchedAmount + f.unmatchedAmount).toBe(f.grossAmount);
  }
  expect(r.matched.reduce((s, m) => s + m.allocatedAmount, 0)).toBe(r.totals.matchedAmount);
  const paymentExceptions = r.exceptions.filter((e) => e.origin === "payment");
  expect(paymentExceptions.reduce((s, e) => s + e.unallocatedAmount, 0)).toBe(r.totals.unmatchedAmount);
  expect(r.exceptions.filter((e) => e.origin !== "payment").every((e) => e.unallocatedAmount === 0)).toBe(true);
  expect(r.writeOffs.reduce((s, w) => s + w.amount, 0)).toBe(r.totals.writtenOffAmount);
  for (const d of r.daily) expect(d.writeOffs.reduce((s, w) => s + w.amount, 0)).toBe(d.writtenOffAmount);
}

describe("buildReconciliationReport", () => {
  it("sums a small month per channel and day, with refunds by their own date", () => {
    const a1 = payment({ amount: 12800, receivedAt: new Date("2024-03-01T02:00:00Z") });
    const a2 = payment({ amount: 5000, allocatedAmount: 3000, status: "partially_matched", receivedAt: new Date("2024-03-02T02:00:00Z") });
    const w1 = payment({ channel: "wechatpay", amount: 9900, allocatedAmount: 0, status: "unmatched", source: null, receivedAt: new Date("2024-03-02T03:00:00Z") });
    const w2 = payment({
      channel: "wechatpay",
      amount: 2000,
      allocatedAmount: 0,
      status: "suggested",
      source: null,
      suggestedReferences: ["LD7K2M9QX4"],
      receivedAt: new Date("2024-03-03T03:00:00Z"),
    });
    const february = payment({ amount: 7000, receivedAt: new Date("2024-02-20T03:00:00Z") });
    const report = buildReconciliationReport({
      params,
      currency: "CNY",
      // Summed by the database per channel, cause and quarter hour of the payments written off against.
      writeOffs: [
        { at: new Date("2024-03-01T02:00:00Z"), channel: "alipay", cause: "channel_fee", count: 2, amount: 120 },
        { at: new Date("2024-03-01T02:00:00Z"), channel: "alipay", cause: "coupon", count: 1, amount: 500 },
        { at: new Date("2024-03-03T03:00:00Z"), channel: "wechatpay", cause: "unique_amount", count: 1, amount: 37 },
        { at: new Date("2024-02-20T03:00:00Z"), channel: "alipay", cause: "coupon", count: 1, amount: 900 },
      ],
      payments: [a1, a2, w1, w2, february],
      allocations: [allocationOf(a1), allocationOf(a2, { orderAmount: 5000, orderPaidAmount: 3000, orderStatus: "partially_paid" }), allocationOf(february)],
      // A March refund of a February payment counts in March (cash basis); an April refund does not.
      refunds: [refundOf(a1, 2800, new Date("2024-03-05T01:00:00Z")), refundOf(february, 1000, new Date("2024-03-02T01:00:00Z")), refundOf(a1, 100, new Date("2024-04-01T01:00:00Z"))],
      anomalies: [],
    });
    expect(report.totals).toEqual({
      count: 4,
      grossAmount: 12800 + 5000 + 9900 + 2000,
      refundCount: 2,
      refundedAmount: 3800,
      netAmount: 29700 - 3800,
      matchedAmount: 12800 + 3000,
      unmatchedAmount: 2000 + 9900 + 2000,
      writtenOffAmount: 120 + 500 + 37,
    });
    // Listed in the causes' own order; February's write-off is out of range like its payment.
    expect(report.writeOffs).toEqual([
      { cause: "coupon", count: 1, amount: 500 },
      { cause: "channel_fee", count: 2, amount: 120 },
      { cause: "unique_amount", count: 1, amount: 37 },
    ]);
    expect(report.daily.find((d) => d.date === "2024-03-01")!.writeOffs).toEqual([
      { cause: "coupon", count: 1, amount: 500 },
      { cause: "channel_fee", count: 2, amount: 120 },
    ]);
    expect(report.channels.map((c) => [c.channel, c.grossAmount, c.refundedAmount, c.netAmount])).toEqual([
      ["alipay", 17800, 3800, 14000],
      ["wechatpay", 11900, 0, 11900],
    ]);
    expect(report.daily.map((d) => [d.date, d.channel, d.netAmount])).toEqual([
      ["2024-03-01", "alipay", 12800],
      ["2024-03-02", "alipay", 5000 - 1000],
      ["2024-03-02", "wechatpay", 9900],
      ["2024-03-03", "wechatpay", 2000],
      ["2024-03-05", "alipay", -2800],
    ]);
    expect(report.matched).toHaveLength(2);
    expect(report.matched[0]).toMatchObject({ paymentId: a1.paymentId, allocatedAmount: 12800, receivedAt: "2024-03-01T10:00:00+08:00" });
    expect(report.exceptions.map((e) => [e.kind, e.unallocatedAmount])).toEqual([
      ["partially_matched", 2000],
      ["unmatched", 9900],
      ["suggested", 2000],
      ["amount_mismatch", 0],
    ]);
    expect(report.exceptions[2].message).toContain("LD7K2M9QX4");
    expect(report.exceptions[3].message).toContain("少收 ¥20.00");
    expectReconciles(report);
  });

  it("cuts days at midnight in the merchant's zone, not UTC", () => {
    const justIn = payment({ receivedAt: new Date("2024-02-29T16:00:00.000Z") }); // 2024-03-01 00:00 Beijing
    const justOut = payment({ receivedAt: new Date("2024-02-29T15:59:59.999Z") });
    const lastIn = payment({ receivedAt: new Date("2024-03-31T15:59:59.999Z") });
    const afterEnd = payment({ receivedAt: new Date("2024-03-31T16:00:00.000Z") });
    const r = buildReconciliationReport({ params, currency: "CNY", payments: [justIn, justOut, lastIn, afterEnd], allocations: [], refunds: [], anomalies: [], writeOffs: [] });
    expect(r.totals.count).toBe(2);
    expect(r.daily.map((d) => d.date)).toEqual(["2024-03-01", "2024-03-31"]);
    const ny = buildReconciliationReport({
      params: { ...params, timeZone: "America/New_York" },
      currency: "USD",
      writeOffs: [],
      payments: [justIn, justOut, afterEnd],
      allocations: [],
      refunds: [],
      anomalies: [],
    });
    // In New York the first two are on Feb 29 (out of range) and the last at noon on Mar 31 (in).
    expect(ny.daily.map((d) => [d.date, d.count])).toEqual([["2024-03-31", 1]]);
  });

  it("filters by channel and by the source of the payment's primary order", () => {
    const web = payment({ source: "web" });
    const douyin = payment({ source: "douyin" });
    const wechat = payment({ channel: "wechatpay", source: "douyin" });
    const unmatched = payment({ allocatedAmount: 0, status: "unmatched", source: null });
    const all = { currency: "CNY", payments: [web, douyin, wechat, unmatched], allocations: [web, douyin, wechat].map((p) => allocationOf(p)), refunds: [refundOf(douyin, 500, new Date("2024-03-09T00:00:00Z"))], anomalies: [], writeOffs: [] };
    const bySource = buildReconciliationReport({ ...all, params: { ...params, source: "douyin" } });
    expect(bySource.totals).toMatchObject({ count: 2, refundedAmount: 500, unmatchedAmount: 0 });
    expect(bySource.matched.map((m) => m.paymentId).sort()).toEqual([douyin.paymentId, wechat.paymentId].sort());
    expectReconciles(bySource);
    const byChannel = buildReconciliationReport({ ...all, params: { ...params, channel: "wechatpay" } });
    expect(byChannel.channels.map((c) => c.channel)).toEqual(["wechatpay"]);
    expect(byChannel.filters).toEqual({ channel: "wechatpay", source: null });
    expectReconciles(byChannel);
  });

  it("lists open anomalies as exceptions that carry no unallocated money, once per mismatched order", () => {
    const p = payment({ amount: 15000, allocatedAmount: 15000 });
    const q = payment({ amount: 5000, allocatedAmount: 5000, receivedAt: new Date("2024-03-02T00:00:00Z") });
    const order = { orderReference: "LD-SAME", orderAmount: 10000, orderPaidAmount: 20000, orderStatus: "overpaid" };
    const anomaly: ReportAnomalyRow = {
      anomalyId: "an-1",
      kind: "overpayment",
      severity: "high",
      paymentId: p.paymentId,
      channel: "alipay",
      channelTransactionId: p.channelTransactionId,
      receivedAt: p.receivedAt,
      paymentAmount: p.amount,
      paymentSource: "web",
      message: "订单多收 ¥100.00",
      detectedAt: new Date("2024-04-02T00:00:00Z"),
    };
    const r = buildReconciliationReport({
      params,
      currency: "CNY",
      writeOffs: [],
      payments: [p, q],
      allocations: [allocationOf(p, { ...order, amount: 15000 }), allocationOf(q, { ...order, amount: 5000 })],
      refunds: [],
      anomalies: [anomaly],
    });
    expect(r.exceptions.map((e) => [e.kind, e.origin, e.severity])).toEqual([
      ["amount_mismatch", "allocation", "medium"],
      ["overpayment", "anomaly", "high"],
    ]);
    expect(r.exceptions[0].message).toContain("多收 ¥100.00");
    expectReconciles(r);
  });

  it("reconciles by construction for any rows (property)", () => {
    const row = fc.record({
      channel: fc.constantFrom("alipay", "wechatpay", "bank", "unionpay"),
      amount: fc.integer({ min: 1, max: 10_000_000 }),
      allocatedShare: fc.constantFrom(0, 0.5, 1),
      at: fc.integer({ min: Date.parse("2024-02-25T00:00:00Z"), max: Date.parse("2024-04-05T00:00:00Z") }),
      refund: fc.option(fc.record({ share: fc.double({ min: 0.01, max: 1, noNaN: true }), after: fc.integer({ min: 0, max: 10 * 86_400_000 }) })),
      source: fc.constantFrom("web", "douyin"),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), fc.constantFrom(null, "alipay"), fc.constantFrom(null, "douyin"), (rows, channel, source) => {
        const payments = rows.map((x) => {
          const allocated = Math.floor(x.amount * x.allocatedShare);
          return payment({
            channel: x.channel,
            amount: x.amount,
            allocatedAmount: allocated,
            status: allocated === x.amount ? "matched" : allocated > 0 ? "partially_matched" : "unmatched",
            receivedAt: new Date(x.at),
            source: allocated > 0 ? x.source : null,
          });
        });
        const refunds = rows.flatMap((x, i) =>
          x.refund ? [refundOf(payments[i], Math.max(1, Math.floor(x.amount * x.refund.share)), new Date(x.at + x.refund.after))] : [],
        );
        const allocations = payments.filter((p) => p.allocatedAmount > 0).map((p) => allocationOf(p));
        const r = buildReconciliationReport({ params: { ...params, channel, source }, currency: "CNY", payments, allocations, refunds, anomalies: [], writeOffs: [] });
        expectReconciles(r);
        // An independent oracle for the scope: Beijing is UTC+8 all year.
        const inScope = payments.filter((p) => {
          const local = new Date(p.receivedAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
          return local >= params.from && local <= params.to && (!channel || p.channel === channel) && (!source || p.source === source);
        });
        expect(r.totals.count).toBe(inScope.length);
        expect(r.totals.grossAmount).toBe(inScope.reduce((s, p) => s + p.amount, 0));
        expect(r.matched).toHaveLength(inScope.filter((p) => p.allocatedAmount > 0).length);
      }),
      { numRuns: 200 },
    );
  });
});
