import { describe, expect, it } from "vitest";
import { canonical, changeSummary, describeChanges, reasonText, rulesDiff, systemNote, type AuditChangeInput, type ChangeContext } from "@/components/audit/changes";
import { MESSAGES } from "@/lib/i18n/messages";

const zh: ChangeContext = { messages: MESSAGES["zh-CN"], locale: "zh-CN", timeZone: "Asia/Shanghai" };
const en: ChangeContext = { messages: MESSAGES.en, locale: "en", timeZone: "Asia/Shanghai" };

const event = (action: string, subjectType: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null): AuditChangeInput => ({
  action,
  subjectType,
  before,
  after,
});
const summary = (e: AuditChangeInput, ctx: ChangeContext) => changeSummary(describeChanges(e, ctx), ctx.locale, 500);

describe("audit log changes in people's words", () => {
  it("labels an order's status change and shows money in yuan, not fen", () => {
    const e = event("order.status_changed", "order", { status: "pending", paidAmount: 0, refundedAmount: 0 }, { status: "partially_paid", paidAmount: 28900, refundedAmount: 0 });
    expect(summary(e, zh)).toBe("状态：待支付 → 部分支付 · 已收金额：¥0.00 → ¥289.00");
    expect(summary(e, en)).toBe("Status: Awaiting payment → Partially paid · Paid: ¥0.00 → ¥289.00");
  });

  it("labels a payment's status by the payment statuses and its match method", () => {
    const e = event(
      "payment.matched",
      "payment",
      { status: "unmatched", allocatedAmount: 0 },
      { status: "matched", allocatedAmount: 12800, method: "order_no_in_memo", manual: false, explanation: { zh: "附言中有订单号", en: "The memo names the order" } },
    );
    const lines = describeChanges(e, zh);
    expect(lines.map((l) => l.key)).toEqual(["status", "allocatedAmount", "method", "manual", "explanation"]);
    expect(lines.find((l) => l.key === "method")).toMatchObject({ label: "匹配方式", before: null, after: "附言中的订单号" });
    expect(lines.find((l) => l.key === "manual")?.after).toBe("否");
    // A {zh, en} explanation in the UI language; prose stays out of the one-line summary.
    expect(lines.find((l) => l.key === "explanation")?.after).toBe("附言中有订单号");
    expect(describeChanges(e, en).find((l) => l.key === "explanation")?.after).toBe("The memo names the order");
    expect(summary(e, zh)).toBe("状态：未匹配 → 已匹配 · 已分配金额：¥0.00 → ¥128.00 · 匹配方式：附言中的订单号");
  });

  it("shows UTC instants in Beijing time", () => {
    const e = event("order.written_off", "order", null, { paymentId: "0b8f2d1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", amount: 150, cause: "coupon", source: "channel", at: "2026-11-27T18:32:53.712Z" });
    const lines = describeChanges(e, zh);
    expect(lines.find((l) => l.key === "at")?.after).toBe("2026-11-28 02:32");
    expect(lines.find((l) => l.key === "paymentId")?.after).toBe("0b8f2d1e…");
    expect(summary(e, zh)).toBe("金额：¥1.50 · 差额原因：优惠券 · 依据：渠道标明的优惠 · 时间：2026-11-28 02:32");
    expect(summary(e, en)).toBe("Amount: ¥1.50 · Cause: Coupon · Basis: Discount stated by the channel · At: 2026-11-28 02:32");
  });

  it("words an anomaly rule's actions and conditions as the rules page does, never as JSON", () => {
    const e = event("anomaly.rule_applied", "anomaly", null, {
      ruleId: "r1",
      ruleName: "大额提醒",
      actions: { notify: true, raiseSeverity: "high", markForRefund: false },
      severity: "high",
      assignedTo: null,
    });
    const text = summary(e, zh);
    expect(text).toContain("处理动作：发送通知；级别提升为 高");
    expect(text).toContain("级别：高");
    expect(text).not.toMatch(/[{}"]/);
    const created = event("rule.created", "rule", null, { name: "大额", conditions: { minAmount: 100_000, kinds: ["amount_mismatch"] }, actions: { writeOff: { reason: "coupon" } } });
    expect(describeChanges(created, zh).find((l) => l.key === "conditions")?.after).toBe("金额 ≥ ¥1,000.00；类型为 金额不符");
    expect(describeChanges(created, zh).find((l) => l.key === "actions")?.after).toBe("核销为 优惠券");
  });

  it("shows a foreign-currency amount in its own currency", () => {
    const e = event("payment.recorded", "payment", null, { channel: "stripe", channelTransactionId: "pi_1", amount: 1250, currency: "EUR", origin: "notify", reference: null });
    const lines = describeChanges(e, en);
    expect(lines.find((l) => l.key === "amount")?.after).toBe("€12.50");
    expect(lines.find((l) => l.key === "channel")?.after).toBe("Stripe");
    expect(lines.find((l) => l.key === "origin")?.after).toBe("Channel notification");
    expect(lines.find((l) => l.key === "reference")?.after).toBe("—");
  });

  it("reads settings changes: durations, switches, roles, ledger accounts", () => {
    expect(summary(event("checkout_settings.set", "merchant", { orderTtlMinutes: 1440, uniqueAmount: false }, { orderTtlMinutes: 180, uniqueAmount: false }), zh)).toBe(
      "未付款订单保留：24 小时 → 3 小时",
    );
    expect(summary(event("checkout_settings.set", "merchant", { orderTtlMinutes: 90, uniqueAmount: false }, { orderTtlMinutes: 90, uniqueAmount: true }), en)).toBe("Unique amount: No → Yes");
    expect(summary(event("user.role_changed", "user", { role: "viewer" }, { role: "accountant" }), zh)).toBe("角色：查看者 → 会计");
    const ledger = event(
      "ledger_accounts.set",
      "merchant",
      { matchedCredit: { code: "1122", name: "应收账款" } },
      { matchedCredit: { code: "2203", name: "预收账款" }, channels: { alipay: { code: "1012.01", name: "支付宝" } } },
    );
    expect(summary(ledger, zh)).toBe("已匹配收款科目：1122 应收账款 → 2203 预收账款 · 渠道：支付宝 1012.01 支付宝");
  });

  it("names what a replaced rule list changed, pairing rules by id or, without ids, by name", () => {
    const before = [
      { id: "a", name: "深夜大额", enabled: true, conditions: {}, actions: { notify: true } },
      { id: "b", name: "重复凭证", enabled: true, conditions: {}, actions: {} },
    ];
    const after = [
      { id: "a", name: "深夜大额", enabled: false, conditions: {}, actions: { notify: true } },
      { id: "c", name: "新规则", enabled: true, conditions: {}, actions: {} },
    ];
    expect(rulesDiff(before, after, zh)).toBe("停用「深夜大额」、新增「新规则」、删除「重复凭证」");
    expect(summary(event("rules.replaced", "merchant", { rules: before }, { rules: after }), en)).toBe("Rules: disabled “深夜大额”, added “新规则”, removed “重复凭证”");
    // Tolerance rules are read back with ids but saved without: paired by name, key order ignored.
    const stored = [{ id: "x", name: "抹零", enabled: true, channels: [], cause: "rounding", maxShortfallFen: 100 }];
    const saved = [{ name: "抹零", enabled: true, channels: [], maxShortfallFen: 200, cause: "rounding" }];
    expect(rulesDiff(stored, saved, zh)).toBe("修改「抹零」");
  });

  it("localizes stored reasons and the sweep's bilingual notes", () => {
    expect(reasonText("expired", zh)).toBe("超时未付，自动关闭");
    expect(reasonText("expired", en)).toBe("Unpaid in time, closed automatically");
    expect(reasonText("coupon", zh)).toBe("优惠券");
    expect(reasonText("refund 5000 exceeds what is left of payment 0b8f2d1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b (3000)", zh)).toBe("退款 ¥50.00 超过该收款剩余可退的 ¥30.00");
    expect(reasonText("something new", zh)).toBe("something new");
    expect(systemNote("原因已消失，自动解决 / the cause disappeared", "zh-CN")).toBe("原因已消失，自动解决");
    expect(systemNote("原因已消失，自动解决 / the cause disappeared", "en")).toBe("The cause disappeared");
    expect(systemNote("小额抹零：核销 ¥0.50（抹零） / written off as rounding", "zh-CN")).toBe("小额抹零：核销 ¥0.50（抹零）");
    expect(systemNote("小额抹零：核销 ¥0.50（抹零） / written off as rounding", "en")).toBe("小额抹零: ¥0.50 written off as rounding");
    expect(systemNote("已与客户核实 / 电话确认", "en")).toBe("已与客户核实 / 电话确认");
    // A preset rule's notes read wholly in English, its name and reason included.
    expect(systemNote("差额 ≤ ¥1.00 按抹零核销：核销 ¥0.50（抹零） / written off as rounding", "en")).toBe("Shortfall ≤ ¥1.00: write off as rounding: ¥0.50 written off as rounding");
    const opened = event("anomaly.opened", "anomaly", null, { kind: "amount_mismatch", message: { zh: "订单 X 短少 ¥0.50", en: "order X is 50 fen short" } });
    expect(describeChanges(opened, en).find((l) => l.key === "message")?.after).toBe("order X is 50 fen short");
    expect(describeChanges(opened, zh).find((l) => l.key === "message")?.after).toBe("订单 X 短少 ¥0.50");
    const interest = "附言含“结息/利息”的未匹配进账 → 忽略（银行利息）：已忽略收款（银行利息） / payment ignored: 银行利息";
    expect(systemNote(interest, "zh-CN")).toBe("附言含“结息/利息”的未匹配进账 → 忽略（银行利息）：已忽略收款（银行利息）");
    expect(systemNote(interest, "en")).toBe("Unmatched credit whose memo says 结息/利息 (interest) → ignore (bank interest): payment ignored: Bank interest");
    const closed = event("order.closed", "order", null, { status: "closed", reason: "expired" });
    expect(summary(closed, zh)).toBe("状态：已关闭 · 原因：超时未付，自动关闭");
    const resolved = event("anomaly.resolved", "anomaly", { status: "open" }, { status: "resolved", by: "sweep", note: "原因已消失，自动解决 / the cause disappeared" });
    expect(summary(resolved, zh)).toBe("状态：待处理 → 已处理 · 处理方式：原因消失，自动处理 · 备注：原因已消失，自动解决");
  });

  it("keeps unknown fields and values as compact text and leaves a digest's recipe to the raw JSON", () => {
    const e = event("statement.bulk_matched", "statement", null, {
      payments: 3,
      amount: 30000,
      method: "reference",
      orderStatus: "paid",
      allocationsSha256: "ab".repeat(32),
      digestOf: "sha256 over 'paymentId:orderId:amount\\n' lines",
      futureField: { nested: [1, "x"] },
    });
    const lines = describeChanges(e, zh);
    expect(lines.map((l) => l.key)).not.toContain("digestOf");
    expect(lines.find((l) => l.key === "allocationsSha256")?.after).toBe("abababababab…");
    expect(lines.find((l) => l.key === "futureField")).toMatchObject({ label: "futureField", after: "nested 1、x" });
    expect(summary(e, zh)).toBe("收款笔数：3 · 金额：¥300.00 · 匹配方式：收款码 · 订单状态：已支付 · futureField：nested 1、x");
  });

  it("treats jsonb's reordered keys as no change and falls back to the recorded values", () => {
    const e = event("rules.replaced", "merchant", { rules: [{ a: 1, b: 2 }] }, { rules: [{ b: 2, a: 1 }] });
    expect(canonical({ b: 2, a: [1, { d: 1, c: 2 }] })).toBe(canonical({ a: [1, { c: 2, d: 1 }], b: 2 }));
    expect(describeChanges(e, zh)).toEqual([{ key: "rules", label: "规则", before: null, after: "1 条" }]);
    // English counts one rule as one.
    expect(describeChanges(e, en)[0].after).toBe("1 rule");
    expect(describeChanges(event("rules.replaced", "merchant", null, { rules: [{ a: 1 }, { a: 2 }] }), en)[0].after).toBe("2 rules");
  });

  it("cuts a long summary to the cell", () => {
    const e = event("orders.imported", "order", null, { format: "douyin", fileSha256: "f".repeat(64), imported: 100_000, duplicates: 0, rejected: 2 });
    expect(summary(e, zh)).toBe("格式：抖音 · 新导入：100000 · 重复：0 · 无法识别：2");
    expect(changeSummary(describeChanges(e, zh), "zh-CN", 20)).toHaveLength(20);
    expect(changeSummary(describeChanges(e, zh), "zh-CN", 20).endsWith("…")).toBe(true);
  });
});
