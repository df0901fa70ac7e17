/** A sign-in lasts 8 hours, a back office's working day, however often its session token is refreshed. */
export const SIGN_IN_MAX_AGE_SECONDS = 8 * 60 * 60;

/**
 * Whether a session whose user signed in at `signedInAt` (Unix seconds, as the session token carries
 * it) still counts at `now`. No sign-in time (a token from before it was recorded) is no session; a
 * time ahead of the clock by more than a minute of drift between servers is not one we wrote.
 */
export function signInIsCurrent(signedInAt: unknown, now: Date): boolean {
  if (typeof signedInAt !== "number" || !Number.isFinite(signedInAt)) return false;
  const age = now.getTime() / 1000 - signedInAt;
  return age < SIGN_IN_MAX_AGE_SECONDS && age > -60;
}
