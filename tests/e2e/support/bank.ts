// Bank accounts and CMB statement lines for browser tests, created through the public API.
import { expect, type APIRequestContext } from "@playwright/test";
import type { E2eMerchant } from "./merchant";

const CMB_HEADER =
  "交易日期,交易时间,起息日,交易类型,借方金额,贷方金额,余额,摘要,流水号,流程实例号,业务名称,用途,业务参考号,业务摘要,其它摘要,收(付)方分行名,收(付)方名称,收(付)方帐号,收(付)方开户行行号,收(付)方开户行名,收(付)方开户行地址,扩展摘要,票据号,商务支付订单号";

/** One CMB credit line (layout of toCmbCsv in the shared matching dataset), booked now (or at bookedAt) in Beijing time. */
export function cmbStatement({ serial, amount, payerName, payerAccount, memo, bookedAt = new Date() }: { serial: string; amount: string; payerName: string; payerAccount: string; memo: string; bookedAt?: Date }) {
  const beijing = new Date(bookedAt.getTime() + 8 * 3600 * 1000).toISOString();
  const date = beijing.slice(0, 10).replace(/-/g, "");
  const line = [date, beijing.slice(11, 19), date, "汇入汇款", "", amount, "100150.00", "汇入", serial, "", "普通汇兑", memo, "", "", "", "", payerName, payerAccount, "", "", "", memo, "", ""];
  return `${CMB_HEADER}\r\n${line.join(",")}\r\n`;
}

export async function createBankAccount(request: APIRequestContext, merchant: E2eMerchant, credentials: Record<string, string>, name = "招商银行"): Promise<string> {
  const res = await request.post("/api/v1/channel-accounts", {
    headers: { authorization: `Bearer ${merchant.apiKey}` },
    data: { channel: "bank", name, credentials },
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** Imports a CMB statement and returns the merchant's bank payments as the API lists them. */
export async function importCmbStatement(request: APIRequestContext, merchant: E2eMerchant, bankAccountId: string, csv: string) {
  const auth = { authorization: `Bearer ${merchant.apiKey}` };
  const imported = await request.post(`/api/v1/statements?channelAccountId=${bankAccountId}&format=cmb-csv`, {
    headers: { ...auth, "content-type": "text/csv" },
    data: csv,
  });
  expect(imported.status(), await imported.text()).toBe(200);
  const list = await request.get("/api/v1/payments?channel=bank", { headers: auth });
  expect(list.status()).toBe(200);
  return {
    result: (await imported.json()) as { imported: number; matched: number; rejected: unknown[] },
    payments: ((await list.json()) as { data: { paymentId: string; status: string; amount: number }[] }).data,
  };
}
