// GET /api/v1/anomalies – the merchant's anomalies, newest first (?status=open|acknowledged|resolved|unresolved&kind=&limit=&cursor=)
import { z } from "zod";
import { merchantRoute } from "@/lib/http/api-route";
import { badRequest } from "@/lib/http/errors";
import { ANOMALY_STATUS_FILTERS, listAnomalies } from "@/lib/services/anomalies";

const query = z.object({
  status: z.enum(ANOMALY_STATUS_FILTERS).optional(),
  kind: z.string().regex(/^[a-z_]{1,64}$/, "must be an anomaly kind").optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export const GET = merchantRoute(async ({ db, merchantId, request }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = query.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`${issue.path.join(".")}: ${issue.message}`, "invalid_field");
  }
  return Response.json(await listAnomalies(db, merchantId, parsed.data));
});
