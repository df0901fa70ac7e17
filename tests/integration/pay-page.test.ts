import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as payStatusRoute } from "@/app/api/pay/[reference]/route";
import { POST as createChannelAccount } from "@/app/api/v1/channel-accounts/route";
import { generateReference, isValidReference } from "@/lib/core/reference";
import { channelAccounts } from "@/lib/db/schema";
import { getPayStatus } from "@/lib/services/pay-page";
import { call, createOrder, merchantWithAlipay } from "../helpers/api";
import { setupTestDatabase } from "../helpers/test-db";

const { db } = setupTestDatabase();
type H = Parameters<typeof call>[0];
const h = (f: unknown) => f as H;

const BANK = { bankName: "招商银行上海分行", accountNo: "6225880123456789", accountName: "上海链动小铺商贸有限公司" };

async function addBank(apiKey: string, credentials: Record<string, string> = BANK, name = "对公账户") {
  const res = await call(h(createChannelAccount), { apiKey, body: { channel: "bank", name, credentials } });
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

describe(`customer pay page service (${process.env.TEST_DB})`, () => {
  it("lists the merchant's channels with full bank instructions and the reference as memo", async () => {
    const m = await merchantWithAlipay();
    await addBank(m.apiKey);
    const order = await createOrder(m.apiKey, { amount: 12800 });

    const status = await getPayStatus(db(), order.reference);
    expect(status?.channels).toEqual([
      { channel: "alipay", name: "支付宝主账户" },
      { channel: "bank", name: "对公账户", ...BANK, memo: order.reference },
    ]);
  });

  it("finds the order by a reference typed loosely (lower case, full width) and still uses the canonical reference as memo", async () => {
    const m = await merchantWithAlipay();
    await addBank(m.apiKey);
    const order = await createOrder(m.apiKey);
    // Full-width lower case, as a phone IME may type it.
    const typed = [...order.reference.toLowerCase()].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
    const status = await getPayStatus(db(), typed);
    expect(status?.reference).toBe(order.reference);
    expect(status?.channels.find((c) => c.channel === "bank")).toMatchObject({ memo: order.reference });
  });

  it("a bank account without an account name lists accountName as null", async () => {
    const m = await merchantWithAlipay();
    await addBank(m.apiKey, { bankName: "中国工商银行", accountNo: "6222020200112233445" }, "个人账户");
    const order = await createOrder(m.apiKey);
    const status = await getPayStatus(db(), order.reference);
    expect(status?.channels[1]).toEqual({
      channel: "bank",
      name: "个人账户",
      bankName: "中国工商银行",
      accountNo: "6222020200112233445",
      accountName: null,
      memo: order.reference,
    });
  });

  it("never lists another merchant's accounts, nor disabled ones", async () => {
    const mine = await merchantWithAlipay();
    const other = await merchantWithAlipay();
    await addBank(other.apiKey, { bankName: "中国建设银行", accountNo: "6217000099998888", accountName: "别家公司" });
    const disabled = await addBank(mine.apiKey, { bankName: "中国农业银行", accountNo: "6228480011112222", accountName: "停用账户" }, "旧账户");
    await db().update(channelAccounts).set({ disabledAt: new Date() }).where(eq(channelAccounts.id, disabled));
    const order = await createOrder(mine.apiKey);

    const status = await getPayStatus(db(), order.reference);
    expect(status?.channels).toEqual([{ channel: "alipay", name: "支付宝主账户" }]);
    const text = JSON.stringify(status);
    expect(text).not.toContain("6217000099998888");
    expect(text).not.toContain("6228480011112222");
  });

  it("the public status endpoint carries the channels but no verification secrets", async () => {
    const m = await merchantWithAlipay();
    await addBank(m.apiKey);
    const order = await createOrder(m.apiKey);
    const res = await call(h(payStatusRoute), { method: "GET", path: `/api/pay/${order.reference}`, params: { reference: order.reference } });
    expect(res.status).toBe(200);
    expect(res.json.channels).toHaveLength(2);
    expect(res.json.channels[1]).toMatchObject({ accountNo: BANK.accountNo, memo: order.reference });
    expect(res.text).not.toContain("BEGIN PUBLIC KEY");
    expect(res.text).not.toContain(m.keys.publicKeyPem.split("\n")[1]);
    expect(res.text).not.toContain(m.appId);
  });

  it("an unknown or malformed reference is null", async () => {
    expect(await getPayStatus(db(), "NOSUCHREF")).toBeNull();
    expect(await getPayStatus(db(), "")).toBeNull();
    const m = await merchantWithAlipay();
    await addBank(m.apiKey);
    await createOrder(m.apiKey);
    // Well-formed (valid check symbol) but never issued: must not fall through to any merchant's instructions.
    const neverIssued = generateReference((n) => new Uint8Array(n).fill(7));
    expect(isValidReference(neverIssued)).toBe(true);
    expect(await getPayStatus(db(), neverIssued)).toBeNull();
  });
});
