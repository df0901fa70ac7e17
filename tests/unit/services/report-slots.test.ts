import { describe, expect, it } from "vitest";
import { createSlots } from "@/lib/services/report-slots";

describe("report slots", () => {
  it("give out at most max at once; a waiter gets the next one given back; giving back twice counts once", async () => {
    const slots = createSlots(2);
    const a = slots.tryTake()!;
    const b = slots.tryTake()!;
    expect(slots.tryTake()).toBeNull();
    let waited = false;
    const c = slots.take().then((release) => ((waited = true), release));
    await Promise.resolve();
    expect(waited).toBe(false);
    a();
    a();
    const release = await c;
    expect(waited).toBe(true);
    expect(slots.used).toBe(2);
    expect(slots.tryTake()).toBeNull();
    b();
    release();
    expect(slots.used).toBe(0);
    expect(slots.tryTake()).not.toBeNull();
  });
});
