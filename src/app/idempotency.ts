// Idempotency-Key, in one place: the key's scope, the request's fingerprint, the waiting room
// per key, the lookup of a stored answer and storing the first answer with the events (the
// command handler passes the record to the store's append). The HTTP layer only maps headers
// to a request here and the outcome back to a reply.
import { KeyedLock } from '../shared/keyedLock.js'
import { IDEMPOTENCY_MIN_RETENTION_MS, IdempotencyKeyTakenError, type EventStore } from '../store/eventStore.js'
import type { Clock } from './clock.js'
import { canonicalJson } from '../store/hashChain.js'
import { sha256Hex } from './ids.js'

/** What a client may send as an Idempotency-Key: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

export interface IdempotentRequest {
  /** Who asks: keys are scoped to the caller's token, so two clients can neither collide nor read each other's answers. */
  scope: string
  /** The client's key as sent. */
  key: string
  method: string
  url: string
  body: unknown
}

/** The key and fingerprint a command stores with its events. */
export interface IdempotencyClaim {
  key: string
  fingerprint: string
}

export type IdempotentOutcome<A> =
  /** The request ran now; its answer is stored with its events. */
  | { kind: 'answered'; answer: A }
  /** The key's first answer, replayed verbatim. */
  | { kind: 'replayed'; answer: A }
  /** The key was first used with another request. */
  | { kind: 'reused' }

/** How often expired records are pruned. */
const PRUNE_EVERY_MS = 60 * 60 * 1000

export class IdempotencyService {
  /** One request per key at a time in this process; across processes the store refuses a second record. */
  private readonly room = new KeyedLock()
  /** How long a key's answer is kept: at least 24 hours, the API's promise. */
  readonly retentionMs: number
  private readonly clock: Clock
  private pruner: NodeJS.Timeout | null = null

  constructor(
    private readonly store: Pick<EventStore, 'findIdempotency' | 'pruneIdempotency'>,
    options: { retentionMs?: number; clock?: Clock } = {},
  ) {
    this.retentionMs = Math.max(IDEMPOTENCY_MIN_RETENTION_MS, options.retentionMs ?? 0)
    this.clock = options.clock ?? (() => new Date())
  }

  /**
   * Deletes the records older than the retention period. Event ids never derive from a key, so
   * a key used again after its record went records new events, never meets the old ones.
   */
  prune(): Promise<number> {
    const now = this.clock()
    return this.store.pruneIdempotency(new Date(now.getTime() - this.retentionMs), now)
  }

  /** Prunes now and then every hour until stopPruning (a failed prune waits for the next). */
  startPruning(everyMs = PRUNE_EVERY_MS): void {
    if (this.pruner) return
    const run = () => void this.prune().catch(() => undefined)
    run()
    this.pruner = setInterval(run, everyMs)
    this.pruner.unref()
  }

  stopPruning(): void {
    if (this.pruner) clearInterval(this.pruner)
    this.pruner = null
  }

  claimOf(request: IdempotentRequest): IdempotencyClaim {
    return {
      key: `${request.scope}:${request.key}`,
      fingerprint: sha256Hex(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`),
    }
  }

  /**
   * Replays the key's stored answer, or runs `execute` (which must store its answer through the
   * claim) and returns what it answered. A repeat that arrives while the first is running waits
   * for it and then replays its answer.
   */
  run<A>(request: IdempotentRequest, execute: (claim: IdempotencyClaim) => Promise<A>): Promise<IdempotentOutcome<A>> {
    const claim = this.claimOf(request)
    return this.room.run(claim.key, async () => {
      const stored = await this.lookup<A>(claim)
      if (stored) return stored
      try {
        return { kind: 'answered', answer: await execute(claim) }
      } catch (error) {
        if (!(error instanceof IdempotencyKeyTakenError)) throw error
        // Another instance stored the key first: answer as a repeat.
        const again = await this.lookup<A>(claim)
        if (again) return again
        throw error
      }
    })
  }

  private async lookup<A>(claim: IdempotencyClaim): Promise<IdempotentOutcome<A> | null> {
    const record = await this.store.findIdempotency(claim.key)
    if (!record) return null
    return record.fingerprint === claim.fingerprint ? { kind: 'replayed', answer: record.response as A } : { kind: 'reused' }
  }
}
