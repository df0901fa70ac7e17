// PUT /api/app/settings/ledger-accounts – the signed-in owner or accountant sets the vouchers' 会计科目
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { ledgerAccountsSchema, setLedgerAccounts } from "@/lib/services/ledger-settings";

export const PUT = sessionRoute(async ({ db, user, request }) => {
  const accounts = await readJson(request, ledgerAccountsSchema);
  return Response.json(await setLedgerAccounts(db, { merchantId: user.merchantId, actor: { type: "user", id: user.id }, accounts }));
}, "manage_books");
