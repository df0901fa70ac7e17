// GET /api/app/audit/verify – the v1 chain check for the signed-in user's merchant (设置 › 操作日志's 校验完整性)
import { sessionRoute } from "@/lib/auth/session";
import { verifyMerchantAuditChain } from "@/lib/services/audit-verify";

export const GET = sessionRoute(async ({ db, user }) => Response.json(await verifyMerchantAuditChain(db, user.merchantId)));
