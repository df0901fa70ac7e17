// GET /api/v1/audit-events/verify – re-computes the merchant's audit hash chain: intact, or the first event that does not check out
import { merchantRoute } from "@/lib/http/api-route";
import { verifyMerchantAuditChain } from "@/lib/services/audit-verify";

export const GET = merchantRoute(async ({ db, merchantId }) => Response.json(await verifyMerchantAuditChain(db, merchantId)));
