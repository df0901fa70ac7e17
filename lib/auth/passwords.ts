import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library defaults (m=19 MiB, t=2, p=1): ~10 ms here. */
export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password no one knows, made with the same parameters as real ones, computed once
 * on first use. A sign-in that has no hash to check (unknown email, locked account) verifies against
 * it, so it takes as long as a wrong password does and its timing cannot tell which accounts exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString("base64url")).catch((err: unknown) => {
    dummy = undefined;
    throw err;
  });
  return dummy;
}
