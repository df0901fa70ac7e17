import { describe, expect, it } from "vitest";
import { DELIVERY, endpointRetryDelayMs, forEachLimited, isFailing, retryDelayMs } from "@/lib/core/webhooks/delivery";

const HOUR = 3_600_000;

describe("storefront delivery backoff", () => {
  it("doubles from 10 s and stays at 6 h however long the endpoint fails", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(12)).toBe(10_000 * 2 ** 11);
    expect(retryDelayMs(13)).toBe(6 * HOUR);
    for (const attempt of [20, 21, 100, 1_000, 1e9]) expect(retryDelayMs(attempt)).toBe(DELIVERY.MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(0)).toBe(10_000);
  });

  it("an endpoint waits as long as its most-tried event says, not as a fresh one would", () => {
    expect(endpointRetryDelayMs([1])).toBe(10_000);
    expect(endpointRetryDelayMs([1, 0, 7])).toBe(retryDelayMs(7));
    expect(endpointRetryDelayMs([])).toBe(10_000);
  });

  it("flags an event whose last attempt failed until it is delivered", () => {
    expect(isFailing({ status: "pending", lastError: null })).toBe(false);
    expect(isFailing({ status: "pending", lastError: "HTTP 500" })).toBe(true);
    expect(isFailing({ status: "failed", lastError: "HTTP 500" })).toBe(true);
    expect(isFailing({ status: "delivered", lastError: null })).toBe(false);
  });
});

describe("forEachLimited", () => {
  it("runs every item, never more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(n);
      running--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
    await forEachLimited([], 3, async () => {
      throw new Error("not called");
    });
  });
});
