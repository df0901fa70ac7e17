// Reports hold a database connection while they render (a streamed one until the reader has it all):
// the process renders only a few at once, so downloads can never take the pool from notifications.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as reconciliationRoute } from "@/app/api/v1/reports/reconciliation/route";
import { reportSlots } from "@/lib/services/report-slots";
import { setupTestDatabase } from "../helpers/test-db";
import { seedMarch } from "../fixtures/reports/seed";

const t = setupTestDatabase();
type Route = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const download = (format: string, apiKey: string) =>
  (reconciliationRoute as unknown as Route)(new Request(`http://127.0.0.1:3000/api/v1/reports/reconciliation?from=2024-03-01&to=2024-03-31&format=${format}`, { headers: { authorization: `Bearer ${apiKey}` } }), {
    params: Promise.resolve({}),
  });

let apiKey: string;
beforeAll(async () => {
  apiKey = (await seedMarch(t.db())).m.apiKey;
});

describe(`report slots (${process.env.TEST_DB})`, () => {
  it("a download while every slot is rendering is 429 with a retry time; one slot back, it renders", async () => {
    const slots = reportSlots();
    const held = [];
    for (let r = slots.tryTake(); r; r = slots.tryTake()) held.push(r);
    expect(held.length).toBeGreaterThanOrEqual(1);
    const busy = await download("xlsx", apiKey);
    expect(busy.status).toBe(429);
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    held.pop()!();
    const ok = await download("xlsx", apiKey);
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    for (const release of held) release();
    // The streamed one gives its slot back once its writer has finished, a moment after the last byte.
    await expect.poll(() => slots.used).toBe(0);
  });

  it("gives the slot back when a streamed report is read to the end, and when the reader goes away", async () => {
    const slots = reportSlots();
    await expect.poll(() => slots.used).toBe(0);
    const before = 0;
    const read = await download("xlsx", apiKey);
    expect(slots.used).toBe(before + 1);
    await read.arrayBuffer();
    await expect.poll(() => slots.used).toBe(before);

    const abandoned = await download("csv&section=matched", apiKey);
    expect(abandoned.status).toBe(200);
    expect(slots.used).toBe(before + 1);
    await abandoned.body!.cancel();
    await expect.poll(() => slots.used).toBe(before);

    const gone = await download("xlsx", apiKey);
    await gone.body!.cancel();
    await expect.poll(() => slots.used).toBe(before);
    // In-memory formats give it back before answering.
    expect((await download("json", apiKey)).status).toBe(200);
    expect(slots.used).toBe(before);
  });
});
