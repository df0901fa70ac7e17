import { createHash } from "node:crypto";

/**
 * A short fingerprint of the stored password hash, kept in the session token at sign-in. Every
 * password change makes a new (salted) hash, so the stamp no longer matches and every session
 * opened with the old password ends: per-user session invalidation without a session table.
 * The hash is already salted and slow; its SHA-256 prefix tells nothing about the password.
 */
export const passwordStamp = (passwordHash: string) => createHash("sha256").update(passwordHash).digest("base64url").slice(0, 22);
