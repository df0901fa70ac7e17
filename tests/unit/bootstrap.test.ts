import { afterEach, describe, expect, it, vi } from "vitest";

const mocks = vi.hoisted(() => ({
  getDb: vi.fn(),
  sweep: vi.fn(),
  anomalySweep: vi.fn(),
  deliverWebhooks: vi.fn(),
}));
vi.mock("@/lib/db/client", () => ({ getDb: mocks.getDb }));
vi.mock("@/lib/config/env", () => ({ readConfig: () => ({ jobsMode: "embedded", demoSeed: false }) }));
vi.mock("@/lib/services/demo-seed", () => ({ seedDemo: vi.fn() }));
vi.mock("@/lib/jobs/handlers", () => ({ jobHandlers: { sweep: mocks.sweep, anomalySweep: mocks.anomalySweep, deliverWebhooks: mocks.deliverWebhooks } }));

const { bootstrap, oneAtATime } = await import("@/lib/bootstrap");

afterEach(() => {
  vi.useRealTimers();
  (globalThis as { __ldxpBooted?: boolean }).__ldxpBooted = false;
});

describe("server start-up", () => {
  it("finishes the matching a crash left undone before serving, but does not wait for the anomaly sweep", async () => {
    vi.useFakeTimers({ toFake: ["setImmediate", "setInterval", "setTimeout"] });
    mocks.getDb.mockResolvedValue({});
    mocks.sweep.mockResolvedValue({ checked: 3 });
    // An anomaly sweep over every merchant that takes its time: requests must not wait for it.
    mocks.anomalySweep.mockReturnValue(new Promise(() => {}));
    await expect(bootstrap()).resolves.toBeUndefined();
    expect(mocks.sweep).toHaveBeenCalledTimes(1);
    expect(mocks.anomalySweep).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(0);
    expect(mocks.anomalySweep).toHaveBeenCalledTimes(1);
  });

  it("a start that fails (database not reachable yet) is tried again, not left failing every request", async () => {
    vi.useFakeTimers({ toFake: ["setImmediate", "setInterval", "setTimeout"] });
    mocks.getDb.mockReset();
    mocks.getDb.mockRejectedValueOnce(new Error("connect ECONNREFUSED")).mockResolvedValue({});
    await expect(bootstrap()).resolves.toBeUndefined();
    expect(mocks.getDb).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(mocks.getDb).toHaveBeenCalledTimes(2);
  });
});

describe("oneAtATime", () => {
  it("does nothing while the previous run is still going, and runs again once it is done", async () => {
    let finish: () => void = () => {};
    const run = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const guarded = oneAtATime(run);
    const first = guarded();
    await guarded();
    await guarded();
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await first;
    void guarded();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it("a run that throws lets the next one through", async () => {
    const guarded = oneAtATime(vi.fn().mockRejectedValueOnce(new Error("boom")).mockResolvedValue(undefined));
    await expect(guarded()).rejects.toThrow("boom");
    await expect(guarded()).resolves.toBeUndefined();
  });
});
