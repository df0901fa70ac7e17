// POST /api/v1/api-keys – a new key for storefronts (the secret is shown once); GET lists prefixes only
import { z } from "zod";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { appendAuditEvents } from "@/lib/db/queries/audit";
import { merchantRoute, readJson } from "@/lib/http/api-route";

const schema = z.object({ name: z.string().trim().min(1).max(100) });

export const POST = merchantRoute(async ({ db, merchantId, apiKeyId, request }) => {
  const { name } = await readJson(request, schema);
  const key = await db.transaction(async (tx) => {
    const created = await createApiKey(tx, { merchantId, name });
    await appendAuditEvents(tx, merchantId, { type: "api_key", id: apiKeyId }, [
      { action: "api_key.created", subjectType: "api_key", subjectId: created.id, after: { name, prefix: created.prefix } },
    ]);
    return created;
  });
  return Response.json({ id: key.id, name, key: key.key, prefix: key.prefix }, { status: 201 });
});

export const GET = merchantRoute(async ({ db, merchantId }) =>
  Response.json({ data: await listApiKeys(db, merchantId), nextCursor: null }),
);
