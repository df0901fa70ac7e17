import { eq } from "drizzle-orm";
import { createApiKey } from "@/lib/auth/api-keys";
import { hashPassword } from "@/lib/auth/passwords";
import type { Db } from "@/lib/db/client";
import { appendAuditEvents } from "@/lib/db/queries/audit";
import { merchants, users } from "@/lib/db/schema";
import { conflict } from "@/lib/http/errors";
import { isUniqueViolation } from "@/lib/db/errors";

export interface SignupParams {
  merchantName: string;
  email: string;
  password: string;
}

/** Creates a merchant with its owner and a first API key (returned once). */
export async function signup(db: Db, params: SignupParams) {
  const email = params.email.trim().toLowerCase();
  const passwordHash = await hashPassword(params.password);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw conflict("An account with this email already exists", "email_taken");
  try {
    return await db.transaction(async (tx) => {
      const [merchant] = await tx.insert(merchants).values({ name: params.merchantName.trim() }).returning();
      const [user] = await tx
        .insert(users)
        .values({ merchantId: merchant.id, email, passwordHash, role: "owner" })
        .returning({ id: users.id });
      const apiKey = await createApiKey(tx, { merchantId: merchant.id, name: "default" });
      await appendAuditEvents(tx, merchant.id, { type: "user", id: user.id }, [
        { action: "merchant.created", subjectType: "merchant", subjectId: merchant.id, after: { name: merchant.name } },
        { action: "user.created", subjectType: "user", subjectId: user.id, after: { email, role: "owner" } },
        { action: "api_key.created", subjectType: "api_key", subjectId: apiKey.id, after: { prefix: apiKey.prefix } },
      ]);
      return { merchantId: merchant.id, userId: user.id, apiKey: apiKey.key };
    });
  } catch (err) {
    // Two sign-ups racing for one email: the unique index decides.
    if (isUniqueViolation(err)) throw conflict("An account with this email already exists", "email_taken");
    throw err;
  }
}
