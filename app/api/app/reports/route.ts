// POST /api/app/reports – the board's 生成对账报告 { from, to, format?, channel?, source? }:
// 200 { kind: "download", url } for a small range, 202 { kind: "job", job } for a large one
import { sessionRoute } from "@/lib/auth/session";
import { readJson } from "@/lib/http/api-route";
import { requestReport } from "@/lib/services/report-request";
import { z } from "zod";

export const runtime = "nodejs";

// Field checks (dates, enums) are the report's own, shared with the v1 route; here only the shape.
const schema = z.record(z.string(), z.unknown());

export const POST = sessionRoute(async ({ db, user, request }) => {
  const result = await requestReport(db, user, await readJson(request, schema));
  return Response.json(result, { status: result.kind === "job" ? 202 : 200 });
}, "view");
