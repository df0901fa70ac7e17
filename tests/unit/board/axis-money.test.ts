import { describe, expect, it } from "vitest";
import { axisMoney } from "@/components/board/fund-chart";

describe("fund chart axis labels", () => {
  it("counts in 万 and 亿 on the Chinese board, with plain yuan below ten thousand", () => {
    expect(axisMoney(0, "zh-CN")).toBe("¥0");
    expect(axisMoney(50_000, "zh-CN")).toBe("¥500");
    expect(axisMoney(300_000, "zh-CN")).toBe("¥3,000");
    expect(axisMoney(1_000_000, "zh-CN")).toBe("¥1万");
    expect(axisMoney(1_500_000, "zh-CN")).toBe("¥1.5万");
    expect(axisMoney(12_000_000, "zh-CN")).toBe("¥12万");
    expect(axisMoney(20_000_000_000, "zh-CN")).toBe("¥2亿");
    expect(axisMoney(-500_000, "zh-CN")).toBe("-¥5,000");
    expect(axisMoney(-2_000_000, "zh-CN")).toBe("-¥2万");
  });

  it("counts in k and M on the English board", () => {
    expect(axisMoney(50_000, "en")).toBe("¥500");
    expect(axisMoney(100_000, "en")).toBe("¥1k");
    expect(axisMoney(150_000, "en")).toBe("¥1.5k");
    expect(axisMoney(1_200_000, "en")).toBe("¥12k");
    expect(axisMoney(250_000_000, "en")).toBe("¥2.5M");
    expect(axisMoney(-100_000, "en")).toBe("-¥1k");
  });

  it("names another currency by its code and counts in its own minor digits", () => {
    expect(axisMoney(150_000, "en", "USD")).toBe("USD 1.5k");
    expect(axisMoney(1_500_000, "zh-CN", "usd")).toBe("USD 1.5万");
    expect(axisMoney(1_200, "en", "JPY")).toBe("JPY 1.2k");
    expect(axisMoney(-50_000, "en", "EUR")).toBe("-EUR 500");
  });
});
