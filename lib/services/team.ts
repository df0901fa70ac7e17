import { randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { hashPassword } from "@/lib/auth/passwords";
import { ROLES, type Role } from "@/lib/core/roles";
import type { Db, Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { appendAuditEvents, type Actor } from "@/lib/db/queries/audit";
import { anomalies, merchants, users } from "@/lib/db/schema";
import { conflict, notFound } from "@/lib/http/errors";

export const addMemberSchema = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ROLES),
  password: z.string().min(10, "must be at least 10 characters").max(200).optional(),
});
export const changeRoleSchema = z.object({ role: z.enum(ROLES) });
export const resetPasswordSchema = addMemberSchema.pick({ password: true });

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: string;
}

const memberColumns = { userId: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt };
const toMember = (row: { userId: string; email: string; name: string | null; role: Role; createdAt: Date }): Member => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
});

export async function listMembers(db: Db, merchantId: string): Promise<Member[]> {
  const rows = await db.select(memberColumns).from(users).where(eq(users.merchantId, merchantId)).orderBy(asc(users.createdAt), asc(users.email));
  return rows.map(toMember);
}

/** 18 random bytes: 24 URL-safe characters, far beyond online guessing behind the login lockout. */
const generatePassword = () => randomBytes(18).toString("base64url");

/** Adds a member; without a given password one is generated and returned once, never stored in clear. */
export async function addMember(db: Db, params: { merchantId: string; actor: Actor; input: z.infer<typeof addMemberSchema> }) {
  const { merchantId, actor, input } = params;
  const email = input.email.trim().toLowerCase();
  const initialPassword = input.password ?? generatePassword();
  const passwordHash = await hashPassword(initialPassword);
  const taken = () => conflict("An account with this email already exists", "email_taken");
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw taken();
  try {
    const member = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ merchantId, email, name: input.name ?? null, passwordHash, role: input.role })
        .returning(memberColumns);
      await appendAuditEvents(tx, merchantId, actor, [
        { action: "user.created", subjectType: "user", subjectId: row.userId, after: { email, role: input.role } },
      ]);
      return toMember(row);
    });
    return { member, ...(input.password ? {} : { initialPassword }) };
  } catch (err) {
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
}

/**
 * Locks the merchant row so concurrent team changes run one after another (two owners demoting each
 * other at once would otherwise both see "another owner remains"), then loads the member.
 */
async function lockedMember(tx: Tx, merchantId: string, userId: string) {
  await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, merchantId)).for("no key update");
  if (!z.uuid().safeParse(userId).success) throw notFound("Member");
  const [member] = await tx.select(memberColumns).from(users).where(and(eq(users.id, userId), eq(users.merchantId, merchantId)));
  if (!member) throw notFound("Member");
  return member;
}

async function assertAnotherOwner(tx: Tx, merchantId: string, userId: string) {
  const owners = await tx.select({ id: users.id }).from(users).where(and(eq(users.merchantId, merchantId), eq(users.role, "owner")));
  if (!owners.some((o) => o.id !== userId)) {
    throw conflict("A merchant needs at least one owner: promote another member first", "last_owner");
  }
}

export async function changeMemberRole(db: Db, params: { merchantId: string; userId: string; role: Role; actor: Actor }) {
  const { merchantId, userId, role, actor } = params;
  return db.transaction(async (tx) => {
    const before = await lockedMember(tx, merchantId, userId);
    if (before.role === role) return toMember(before);
    if (before.role === "owner") await assertAnotherOwner(tx, merchantId, userId);
    const [after] = await tx.update(users).set({ role }).where(and(eq(users.id, userId), eq(users.merchantId, merchantId))).returning(memberColumns);
    await appendAuditEvents(tx, merchantId, actor, [
      { action: "user.role_changed", subjectType: "user", subjectId: userId, before: { role: before.role }, after: { role } },
    ]);
    return toMember(after);
  });
}

/**
 * Sets a new password (given, or generated and returned once) and lifts a login lock-out. Every
 * session opened with the old password ends on its next request (see lib/auth/password-stamp.ts).
 * Not the actor's own: that takes the current password, on the account page (changeOwnPassword), so
 * a borrowed or stolen owner session cannot take the account over through here.
 */
export async function resetMemberPassword(db: Db, params: { merchantId: string; userId: string; password?: string; actor: Actor }) {
  const { merchantId, userId, actor } = params;
  if (actor.type === "user" && actor.id === userId) {
    throw conflict("Your own password is changed on the account page (/settings/account), with the current one", "use_account_page");
  }
  const password = params.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const member = await db.transaction(async (tx) => {
    const row = await lockedMember(tx, merchantId, userId);
    await tx.update(users).set({ passwordHash, failedLogins: 0, lockedUntil: null }).where(and(eq(users.id, userId), eq(users.merchantId, merchantId)));
    await appendAuditEvents(tx, merchantId, actor, [{ action: "user.password_reset", subjectType: "user", subjectId: userId }]);
    return toMember(row);
  });
  return { member, ...(params.password ? {} : { initialPassword: password }) };
}

/** Removes a member; their session stops working on its next request (roles are read per request). */
export async function removeMember(db: Db, params: { merchantId: string; userId: string; actor: Actor }) {
  const { merchantId, userId, actor } = params;
  await db.transaction(async (tx) => {
    const member = await lockedMember(tx, merchantId, userId);
    if (member.role === "owner") await assertAnotherOwner(tx, merchantId, userId);
    // Assignments are a work queue, not history: the anomaly stays, unassigned.
    await tx.update(anomalies).set({ assignedTo: null }).where(and(eq(anomalies.merchantId, merchantId), eq(anomalies.assignedTo, userId)));
    await tx.delete(users).where(and(eq(users.id, userId), eq(users.merchantId, merchantId)));
    await appendAuditEvents(tx, merchantId, actor, [
      { action: "user.removed", subjectType: "user", subjectId: userId, before: { email: member.email, role: member.role } },
    ]);
  });
}
