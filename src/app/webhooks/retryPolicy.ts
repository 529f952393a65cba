// When a failed delivery is tried again, when it is given up, and when a subscription is disabled.
// Exponential backoff with "equal jitter": the n-th retry waits between half and all of
// base·2^(n-1), capped; an event is given up once the next attempt would fall past the retry
// window after its first attempt; a subscription that has failed without a single success for
// the disable window (or whose receiver answered 410 Gone) is disabled.

export interface RetryPolicy {
  /** The first retry's delay before jitter (GRIDLEDGER_WEBHOOK_BACKOFF_BASE_MS). */
  baseMs: number
  /** The longest delay between two attempts. */
  maxDelayMs: number
  /** How long an event is retried after its first attempt before it is given up. */
  retryForMs: number
  /** How long a subscription may fail without a success before it is disabled. */
  disableAfterMs: number
}

export const HOUR_MS = 60 * 60 * 1000

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 5_000, maxDelayMs: HOUR_MS, retryForMs: 24 * HOUR_MS, disableAfterMs: 5 * 24 * HOUR_MS }

/** The policy with every duration scaled from the default by one base (tests shorten it all at once). */
export function policyWithBase(baseMs: number): RetryPolicy {
  const scale = baseMs / DEFAULT_RETRY_POLICY.baseMs
  return { baseMs, maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs * scale, retryForMs: DEFAULT_RETRY_POLICY.retryForMs * scale, disableAfterMs: DEFAULT_RETRY_POLICY.disableAfterMs * scale }
}

/** The delay before attempt `attempt + 1`, after `attempt` (≥ 1) failed ones; `random` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number = Math.random()): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40))
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}

/** True when an attempt due at `nextAt` is past the retry window that started at `firstAt`. */
export function pastRetryWindow(policy: RetryPolicy, firstAt: number, nextAt: number): boolean {
  return nextAt - firstAt > policy.retryForMs
}

/** True when a subscription failing since `failingSince` has failed for long enough to be disabled at `now`. */
export function shouldDisable(policy: RetryPolicy, failingSince: number, now: number): boolean {
  return now - failingSince >= policy.disableAfterMs
}
