// The merchant's 会计科目: which ledger accounts the voucher exports post to.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getSettings, PUT as putSettings } from "@/app/api/v1/settings/ledger-accounts/route";
import { DEFAULT_LEDGER_ACCOUNTS } from "@/lib/core/reports";
import { auditEvents } from "@/lib/db/schema";
import { bankMerchant, call } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const t = setupTestDatabase();
type H = Parameters<typeof call>[0];
let m: Awaited<ReturnType<typeof bankMerchant>>;

const read = (apiKey = m.apiKey) => call(getSettings as unknown as H, { method: "GET", apiKey });
const write = (body: unknown) => call(putSettings as unknown as H, { method: "PUT", apiKey: m.apiKey, body });

beforeAll(async () => {
  m = await bankMerchant();
});

describe(`ledger accounts (${process.env.TEST_DB})`, () => {
  it("start at the defaults", async () => {
    expect((await read()).json).toEqual({ accounts: DEFAULT_LEDGER_ACCOUNTS, defaults: DEFAULT_LEDGER_ACCOUNTS });
  });

  it.each([
    [{ matchedCredit: { code: "", name: "主营业务收入" } }, "matchedCredit.code"],
    [{ matchedCredit: { code: "6001 01", name: "主营业务收入" } }, "matchedCredit.code"],
    [{ refundDebit: { code: "1122" } }, "refundDebit.name"],
    [{ channels: { nosuch: { code: "1002", name: "银行存款" } } }, "nosuch"],
    [{ writeOffDebit: { coupon: { code: "6601", name: "销售费用", extra: 1 } } }, "extra"],
    [{ writeOffDebit: { refund: { code: "6601", name: "销售费用" } } }, "refund"],
    [{ ledger: {} }, "ledger"],
  ])("%j is a 400 naming %s, and changes nothing", async (body, field) => {
    const res = await write(body);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(field);
    expect((await read()).json.accounts).toEqual(DEFAULT_LEDGER_ACCOUNTS);
  });

  it("saves the accounts given over the defaults, audited; saving again replaces them; {} restores the defaults", async () => {
    const own = {
      channels: { bank: { code: "100201", name: "银行存款-招行基本户" } },
      matchedCredit: { code: "6001", name: "主营业务收入" },
      writeOffDebit: { channel_fee: { code: "560301", name: "财务费用-支付宝手续费" } },
    };
    const saved = await write(own);
    expect(saved.status).toBe(200);
    expect(saved.json.accounts).toEqual({
      ...DEFAULT_LEDGER_ACCOUNTS,
      channels: { ...DEFAULT_LEDGER_ACCOUNTS.channels, ...own.channels },
      matchedCredit: own.matchedCredit,
      writeOffDebit: { ...DEFAULT_LEDGER_ACCOUNTS.writeOffDebit, ...own.writeOffDebit },
    });
    expect((await read()).json).toEqual(saved.json);
    const [event] = await t.db().select().from(auditEvents).where(and(eq(auditEvents.merchantId, m.merchantId), eq(auditEvents.action, "ledger_accounts.set")));
    expect(event).toMatchObject({ actorType: "api_key", before: DEFAULT_LEDGER_ACCOUNTS, after: own });

    // Another merchant keeps the defaults.
    const other = await bankMerchant();
    expect((await read(other.apiKey)).json.accounts).toEqual(DEFAULT_LEDGER_ACCOUNTS);

    // A save replaces the last one: what it leaves out is the default again.
    const next = await write({ refundDebit: { code: " 6001 ", name: " 主营业务收入 " } });
    expect(next.json.accounts).toEqual({ ...DEFAULT_LEDGER_ACCOUNTS, refundDebit: { code: "6001", name: "主营业务收入" } });
    expect((await write({})).json.accounts).toEqual(DEFAULT_LEDGER_ACCOUNTS);
  });
});
