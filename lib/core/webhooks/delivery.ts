/**
 * How storefront events are sent: an event is retried with backoff until a 2xx and never given up;
 * what bounds the work is the sweep, which tries a failing endpoint once per run and parks the rest
 * of its events until that one's next attempt.
 */
export const DELIVERY = {
  /** Attempts one sweep makes at most, over all endpoints. */
  RUN_ATTEMPTS: 200,
  /** Attempts one sweep makes at most to one endpoint, so a large backlog cannot crowd the others out. */
  ENDPOINT_ATTEMPTS: 50,
  /** Endpoints sent to at once; each endpoint's own events go one after another, oldest first. */
  CONCURRENCY: 4,
  /** A sweep starts no attempt after this long (it runs every minute). */
  RUN_BUDGET_MS: 45_000,
  /** One POST waits this long for the storefront's answer. */
  TIMEOUT_MS: 10_000,
  /** A claimed event is not claimed again for this long: overlapping sweeps never send it twice, a crashed one resends it after. */
  LEASE_MS: 5 * 60_000,
  /** Claims per sweep: a later claim skips the endpoints the sweep is done with. */
  ROUNDS: 5,
  /** The longest wait between two attempts of an event. */
  MAX_RETRY_DELAY_MS: 6 * 3_600_000,
} as const;

/** Wait before retry `attempt` (1-based): 10 s, 20 s, 40 s … capped at 6 h, for as long as the endpoint fails. */
export function retryDelayMs(attempt: number): number {
  return Math.min(10_000 * 2 ** Math.min(30, Math.max(0, attempt - 1)), DELIVERY.MAX_RETRY_DELAY_MS);
}

/**
 * An endpoint's wait after a failed attempt: the backoff of the most-tried event the sweep holds for
 * it, so trying a fresh event does not restart the backoff of an endpoint that has been down for long.
 */
export function endpointRetryDelayMs(attempts: readonly number[]): number {
  return retryDelayMs(Math.max(1, ...attempts));
}

/** Whether the delivery log flags an event: not delivered, and its last attempt failed. */
export function isFailing(d: { status: string; lastError: string | null }): boolean {
  return d.status !== "delivered" && d.lastError !== null;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
