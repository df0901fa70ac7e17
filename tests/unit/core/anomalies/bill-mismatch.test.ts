import { describe, expect, it } from "vitest";
import { detectBillMismatch } from "@/lib/core/anomalies/detectors/bill-mismatch";
import { input, minutesAgo, payment } from "./factories";

const hoursAgo = (h: number) => minutesAgo(h * 60);

describe("detectBillMismatch", () => {
  it("words details.billMismatch as 长款 or 短款 by the sign of the difference", () => {
    const long = payment({ details: { billMismatch: { billAmount: 13000, recordedAmount: 12800 } } });
    const short = payment({ details: { billMismatch: { difference: -300 } } });
    const vague = payment({ details: { billMismatch: "amount differs" } });
    const found = detectBillMismatch(input({ payments: [long, short, vague] }));
    expect(found.map((f) => f.difference)).toEqual([200, -300, null]);
    expect(found[0].message.zh).toMatch(/^长款/);
    expect(found[1].message.zh).toMatch(/^短款/);
    expect(found[2].message.zh).toContain("不一致");
  });

  it("flags a notify older than 48 h that a bill imported a day or more later did not confirm", () => {
    const p = payment({ origin: "notify", channel: "alipay", channelAccountId: "ali", receivedAt: hoursAgo(72) });
    const billAfter = new Map([["ali", hoursAgo(24)]]);
    const [f] = detectBillMismatch(input({ payments: [p], lastStatementAt: billAfter }));
    expect(f).toMatchObject({ kind: "bill_mismatch", subjectKey: `payment:${p.id}`, difference: -12800 });
    expect(f.message.zh).toMatch(/^短款/);
  });

  it("does not flag confirmed, young, or uncovered notifies", () => {
    const bills = new Map([["ali", hoursAgo(1)]]);
    const confirmed = payment({ origin: "notify", channelAccountId: "ali", receivedAt: hoursAgo(72), confirmedByBillAt: hoursAgo(40) });
    const young = payment({ origin: "notify", channelAccountId: "ali", receivedAt: hoursAgo(47) });
    const billTooSoon = payment({ origin: "notify", channelAccountId: "ali", receivedAt: hoursAgo(60) });
    const noBill = payment({ origin: "notify", channelAccountId: "other", receivedAt: hoursAgo(200) });
    const fromStatement = payment({ origin: "statement", channelAccountId: "ali", receivedAt: hoursAgo(200) });
    const soon = new Map([["ali", hoursAgo(40)]]);
    expect(detectBillMismatch(input({ payments: [confirmed, young, noBill, fromStatement], lastStatementAt: bills }))).toEqual([]);
    expect(detectBillMismatch(input({ payments: [billTooSoon], lastStatementAt: soon }))).toEqual([]);
  });
});

describe("detectBillMismatch wording", () => {
  it("keeps the English text English: surplus and shortfall without the Chinese terms, which stay in the Chinese text", () => {
    const long = payment({ details: { billMismatch: { difference: 200 } } });
    const short = payment({ details: { billMismatch: { difference: -300 } } });
    const notify = payment({ origin: "notify", channelAccountId: "ali", receivedAt: hoursAgo(72) });
    const found = detectBillMismatch(input({ payments: [long, short, notify], lastStatementAt: new Map([["ali", hoursAgo(24)]]) }));
    expect(found).toHaveLength(3);
    for (const f of found) expect(f.message.en).not.toMatch(/[\u4e00-\u9fff]/);
    expect(found.map((f) => f.message.en.split(":")[0])).toEqual(["surplus", "shortfall", "shortfall"]);
    expect(found.map((f) => f.message.zh.slice(0, 3))).toEqual(["长款：", "短款：", "短款："]);
  });
});
