// GET/PUT /api/v1/settings/ledger-accounts – the 会计科目 the report's 金蝶/用友 vouchers post to
import { merchantRoute, readJson } from "@/lib/http/api-route";
import { getLedgerSettings, ledgerAccountsSchema, setLedgerAccounts } from "@/lib/services/ledger-settings";

export const GET = merchantRoute(async ({ db, merchantId }) => Response.json(await getLedgerSettings(db, merchantId)));

export const PUT = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const accounts = await readJson(request, ledgerAccountsSchema);
  return Response.json(await setLedgerAccounts(db, { merchantId, actor: { type: "api_key", id: apiKeyId }, accounts }));
});
