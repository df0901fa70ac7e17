// GET /api/v1/audit-events – the merchant's audit trail, newest first: ?area=&actor=&limit=&cursor=
import { merchantRoute } from "@/lib/http/api-route";
import { parseLimit } from "@/lib/http/pagination";
import { auditFiltersFrom, listAuditEvents } from "@/lib/services/audit-log";

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const q = new URL(request.url).searchParams;
  return Response.json(await listAuditEvents(db, { merchantId, ...auditFiltersFrom(q), limit: parseLimit(q.get("limit")) }));
});
