// An API key's lastUsedAt (shown on the API keys page) follows its use, written at most once a minute.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listTeamRoute } from "@/app/api/v1/team/route";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { apiKeys } from "@/lib/db/schema";
import { call, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
const lastUsed = async (id: string) => (await t.db().select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id)))[0].at;
const request = (apiKey: string) => call(listTeamRoute as unknown as Parameters<typeof call>[0], { method: "GET", apiKey, path: "/api/v1/team" });

describe(`API key last use (${process.env.TEST_DB})`, () => {
  it("is set by an authenticated request, not written again within the minute, written again after it", async () => {
    const m = await merchantWithAlipay();
    // Setting the merchant up used the key already: start from a key never used.
    const [key] = await t.db().update(apiKeys).set({ lastUsedAt: null }).where(eq(apiKeys.merchantId, m.merchantId)).returning();

    const before = Date.now();
    expect((await request(m.apiKey)).status).toBe(200);
    const first = await lastUsed(key.id);
    expect(first?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(first?.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    expect((await request(m.apiKey)).status).toBe(200);
    expect(await lastUsed(key.id)).toEqual(first);
    expect(await authenticateApiKey(t.db(), m.apiKey, new Date(first!.getTime() + 59_000))).toMatchObject({ id: key.id });
    expect(await lastUsed(key.id)).toEqual(first);

    const later = new Date(first!.getTime() + 61_000);
    await authenticateApiKey(t.db(), m.apiKey, later);
    expect(await lastUsed(key.id)).toEqual(later);
  });
});
