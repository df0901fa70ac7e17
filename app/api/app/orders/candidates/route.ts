// GET /api/app/orders/candidates?q=&currency=&amount= – open orders a person may match a payment to (the manual match form's picker)
import { sessionRoute } from "@/lib/auth/session";
import { isIsoCurrency } from "@/lib/core/money";
import { badRequest } from "@/lib/http/errors";
import { searchParam } from "@/lib/http/pagination";
import { findOrdersToMatch } from "@/lib/services/orders";

const LIMIT = 8;

export const GET = sessionRoute(async ({ db, user, request }) => {
  const q = new URL(request.url).searchParams;
  const search = (searchParam(q) ?? "").trim();
  const currency = (q.get("currency") ?? "CNY").toUpperCase();
  if (!isIsoCurrency(currency)) throw badRequest("currency: not an ISO 4217 code", "invalid_field");
  const amountText = q.get("amount");
  if (amountText !== null && !/^[1-9][0-9]{0,14}$/.test(amountText)) throw badRequest("amount: a positive whole number of minor units", "invalid_field");
  const amount = amountText === null ? undefined : Number(amountText);
  return Response.json(await findOrdersToMatch(db, { merchantId: user.merchantId, search, currency, limit: LIMIT, amount }));
}, "match");
