import { describe, expect, it } from "vitest";
import { buildFundChart, niceStep } from "@/lib/core/board/fund-chart";
import { zonedDates } from "@/lib/core/time";

const pad = { left: 0, right: 0, top: 0, bottom: 0 };

describe("fund chart geometry", () => {
  it("stacks channels per day from the zero line, scaled to a nice maximum", () => {
    const chart = buildFundChart({
      days: ["2026-11-24", "2026-11-25"],
      series: [
        { channel: "alipay", values: [10_000, 30_000] },
        { channel: "wechatpay", values: [0, 10_000] },
      ],
      width: 200,
      height: 100,
      padding: pad,
    });
    // Max 40,000 fen → step 10,000 → axis 0..40,000 over 100 px.
    expect(chart.yTicks.map((t) => t.value)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(chart.zeroY).toBe(100);
    expect(chart.bars).toHaveLength(3); // a zero value draws no segment
    const [a1, a2, w2] = chart.bars;
    expect(a1).toMatchObject({ day: "2026-11-24", channel: "alipay", y: 75, height: 25, width: 70, x: 15 });
    expect(a2).toMatchObject({ day: "2026-11-25", channel: "alipay", y: 25, height: 75, x: 115 });
    expect(w2).toMatchObject({ channel: "wechatpay", y: 0, height: 25 });
    expect(chart.dayTotals.map((d) => d.value)).toEqual([10_000, 40_000]);
  });

  it("draws a net-negative day below the zero line", () => {
    const chart = buildFundChart({
      days: ["d1", "d2"],
      series: [{ channel: "alipay", values: [20_000, -10_000] }],
      width: 100,
      height: 120,
      padding: pad,
    });
    expect(chart.yTicks[0].value).toBe(-10_000);
    expect(chart.zeroY).toBeCloseTo(80);
    const below = chart.bars.find((b) => b.value < 0)!;
    expect(below.y).toBeCloseTo(80);
    expect(below.height).toBeCloseTo(40);
    expect(chart.dayTotals[1].value).toBe(-10_000);
  });

  it("has a usable axis with no money at all and labels at most seven days", () => {
    const days = Array.from({ length: 30 }, (_, i) => `d${i}`);
    const chart = buildFundChart({ days, series: [], width: 300, height: 100 });
    expect(chart.bars).toEqual([]);
    expect(chart.yTicks.length).toBeGreaterThanOrEqual(2);
    expect(chart.yTicks.every((t) => Number.isFinite(t.y))).toBe(true);
    expect(chart.xLabels.length).toBeLessThanOrEqual(8);
    expect(chart.xLabels.at(-1)?.day).toBe("d29");
  });

  it("picks 1/2/5 steps", () => {
    expect(niceStep(40_000, 4)).toBe(10_000);
    expect(niceStep(45_000, 4)).toBe(20_000);
    expect(niceStep(7, 4)).toBe(2);
  });
});

describe("zonedDates", () => {
  it("lists Shanghai calendar days ending today, oldest first", () => {
    // 17:00Z on the 25th is already the 26th in Shanghai.
    expect(zonedDates(new Date("2026-11-25T17:00:00Z"), "Asia/Shanghai", 3)).toEqual(["2026-11-24", "2026-11-25", "2026-11-26"]);
  });
});
