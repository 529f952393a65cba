// How many events one token may append to one plan in one UTC day. Every read folds a plan
// whole, so without a bound one token (a provider posting long notes in a loop) could make a
// plan slow to read for everyone, for ever. The count is derived from the plan's own stream
// whenever the command handler loads it (after a restart, after a cache eviction, after another
// instance's append met as a version conflict) and kept current with each append, so it
// survives restarts without storing anything of its own. Tokens are counted by id; the CLI
// (no token) is not counted.
import type { StoredEvent } from '../store/eventStore.js'

/** The default: far beyond what a person or an integration records in a plan in a day (a whole imported plan is a few hundred events). */
export const DEFAULT_APPEND_QUOTA = 10_000

const DAY_MS = 24 * 60 * 60 * 1000

/** The token's allowance for this plan today is used up; nothing was recorded. */
export class AppendQuotaExceededError extends Error {
  constructor(readonly limit: number, readonly used: number, readonly wanted: number, readonly retryAfterSeconds: number) {
    super(
      `this token has recorded ${used} event${used === 1 ? '' : 's'} in this plan today (UTC) and may record at most ${limit} a day; ` +
        `this request would record ${wanted} more. Nothing was recorded; retry after midnight UTC.`,
    )
    this.name = 'AppendQuotaExceededError'
  }
}

/** What one plan's stream holds per token for one UTC day: the day of its latest event. */
export interface DailyAppends {
  /** YYYY-MM-DD (UTC), or '' for an empty stream. */
  day: string
  byToken: Map<string, number>
}

const utcDay = (instant: string): string => instant.slice(0, 10)

function tokenOf(event: StoredEvent): string | null {
  const actor = event.metadata.actor as { tokenId?: unknown } | undefined
  return typeof actor?.tokenId === 'string' ? actor.tokenId : null
}

export class AppendQuota {
  /** @param limit events per token per plan per UTC day; 0 turns the quota off. */
  constructor(readonly limit: number = DEFAULT_APPEND_QUOTA) {}

  /**
   * Counts, per token, the stream's events on the day of its latest event. A stream's recorded
   * times never run backwards, so this reads back only over that day's events.
   */
  tally(stored: readonly StoredEvent[]): DailyAppends {
    const byToken = new Map<string, number>()
    if (stored.length === 0) return { day: '', byToken }
    const day = utcDay(stored[stored.length - 1].recordedAt)
    for (let i = stored.length - 1; i >= 0 && utcDay(stored[i].recordedAt) === day; i--) {
      const token = tokenOf(stored[i])
      if (token !== null) byToken.set(token, (byToken.get(token) ?? 0) + 1)
    }
    return { day, byToken }
  }

  /**
   * Takes `count` events, to be recorded at `recordedAt`, from the token's allowance, or throws
   * AppendQuotaExceededError leaving the counts as they were. `recordedAt` is never earlier than
   * the plan's latest event, so a new day starts from zero.
   */
  take(appends: DailyAppends, tokenId: string | null, count: number, recordedAt: string): void {
    if (this.limit === 0 || tokenId === null) return
    const day = utcDay(recordedAt)
    if (appends.day !== day) {
      appends.day = day
      appends.byToken.clear()
    }
    const used = appends.byToken.get(tokenId) ?? 0
    if (used + count > this.limit) {
      const untilMidnight = Date.parse(`${day}T00:00:00.000Z`) + DAY_MS - Date.parse(recordedAt)
      throw new AppendQuotaExceededError(this.limit, used, count, Math.max(1, Math.ceil(untilMidnight / 1000)))
    }
    appends.byToken.set(tokenId, used + count)
  }
}
