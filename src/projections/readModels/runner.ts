// Runs projections: a catch-up subscription from the lowest durable checkpoint feeds every
// stored event (all streams) to every projection that has not applied it yet. Each batch of
// events — the read-model changes and the checkpoints together — commits in ONE read-model
// transaction, so a crash never leaves a change without its checkpoint or the reverse.
// Applying is idempotent by position: a projection skips any event at or below its stored
// checkpoint (read inside the transaction), so a restart, a second process on the same SQLite
// file, or a redelivery never applies an event twice.
import type { EventStore, StoredEvent, Subscription } from '../../store/eventStore.js'
import { Overlay } from '../storage/overlay.js'
import type { ReadModelStore } from '../storage/readModelStore.js'

export interface Projection {
  /** Checkpoint name; unique among projections. */
  name: string
  /** Collections it owns (cleared on rebuild). */
  collections: string[]
  /**
   * Applies one stored event (of any stream: ignore what you do not handle). Synchronous.
   * `live` is set by the runner, whose transaction commits (or rolls back) before anything else
   * runs: only then may a projection keep a document it wrote for its next batch. A rebuild's
   * staged writes outlive many awaits, so it passes nothing.
   */
  apply(event: StoredEvent, tx: ReadModelStore, live?: boolean): void
}

export interface ProjectionRunner {
  /** Resolves true once every projection has applied `position`, false on timeout (default 5 s) or close. */
  waitFor(position: number, timeoutMs?: number): Promise<boolean>
  /** Every projection has applied every event up to this position. */
  position(): number
  /** The last error met (the runner retries from its checkpoints after it), or null. */
  lastError?(): unknown
  /**
   * Calls `listener` after each committed batch with its events (those another process had
   * already applied included), and with null when the read models may have changed otherwise
   * (the runner (re)starts from its checkpoints, e.g. after a rebuild). Returns a function that
   * stops the calls. What a reader keeps from the read models stays current through it.
   */
  onApplied?(listener: AppliedListener): () => void
  close(): Promise<void>
}

export type AppliedListener = (events: readonly StoredEvent[] | null) => void

export interface RunnerOptions {
  /** Most events committed in one transaction (default 500). */
  batchSize?: number
  /** Called when applying or reading fails; the runner then retries from its checkpoints. Default: console.error. */
  onError?(error: unknown): void
  /** Delay before the first retry after an error (default 250 ms, doubling up to 30 s). */
  retryDelayMs?: number
  /** Least time between two commits while nobody waits for one (default 10 ms; 0 commits as soon as events arrive). */
  lingerMs?: number
}

/** The checkpoints were moved back under the runner (a rebuild): it resubscribes from them. */
class CheckpointRewoundError extends Error {
  constructor(name: string, stored: number, expected: number) {
    super(`checkpoint ${name} went back from ${expected} to ${stored}`)
    this.name = 'CheckpointRewoundError'
  }
}

const DEFAULT_WAIT_MS = 5_000
/**
 * Under a steady stream of events, commits at most this often unless a reader is waiting: each
 * commit reads and rewrites the documents its events touch (a plan's whole state), so larger
 * batches cost less per event. Readers that need their writes (waitFor) flush at once.
 */
const DEFAULT_LINGER_MS = 10
const MAX_RETRY_MS = 30_000

interface Waiter {
  position: number
  resolve(ok: boolean): void
  timer: NodeJS.Timeout
}

function assertUniqueNames(projections: Projection[]): void {
  const names = new Set<string>()
  for (const p of projections) {
    if (names.has(p.name)) throw new Error(`two projections are named ${p.name}`)
    names.add(p.name)
  }
}

/**
 * Applies a batch of events to the projections in one transaction. Returns each projection's
 * checkpoint after it; throws CheckpointRewoundError when a stored checkpoint is behind `expected`.
 */
function applyBatch(readModels: ReadModelStore, projections: Projection[], events: StoredEvent[], expected?: Map<string, number>): Map<string, number> {
  // A runner over an overlay (never in the application) commits into writes that outlive the batch.
  const live = !(readModels instanceof Overlay)
  return readModels.transaction(tx => {
    const checkpoints = new Map<string, number>()
    for (const p of projections) {
      const stored = tx.checkpoint(p.name)
      const known = expected?.get(p.name)
      if (known !== undefined && stored < known) throw new CheckpointRewoundError(p.name, stored, known)
      checkpoints.set(p.name, stored)
    }
    for (const event of events) {
      for (const p of projections) {
        if (event.position <= checkpoints.get(p.name)!) continue
        p.apply(event, tx, live)
        checkpoints.set(p.name, event.position)
      }
    }
    for (const p of projections) {
      if (checkpoints.get(p.name) !== tx.checkpoint(p.name)) tx.setCheckpoint(p.name, checkpoints.get(p.name)!)
    }
    return checkpoints
  })
}

class Runner implements ProjectionRunner {
  private applied = 0
  private known = new Map<string, number>()
  private pending: StoredEvent[] = []
  private flushTimer: NodeJS.Immediate | null = null
  /** A flush held back by the linger window (a timer), and when the last commit ended. */
  private lingerTimer: NodeJS.Timeout | null = null
  private lastCommitAt = Number.NEGATIVE_INFINITY
  private retryTimer: NodeJS.Timeout | null = null
  private retryDelay: number
  private subscription: Subscription | null = null
  /** Bumped on every (re)subscription: events from an older one are dropped. */
  private generation = 0
  private readonly waiters = new Set<Waiter>()
  private readonly listeners = new Set<AppliedListener>()
  private error: unknown = null
  private closed = false

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: Projection[],
    private readonly options: RunnerOptions,
  ) {
    assertUniqueNames(projections)
    this.retryDelay = options.retryDelayMs ?? 250
    this.subscribe()
  }

  private subscribe(): void {
    if (this.closed) return
    const generation = ++this.generation
    this.pending = []
    this.known = new Map(this.projections.map(p => [p.name, this.readModels.checkpoint(p.name)]))
    const from = this.projections.length ? Math.min(...this.known.values()) : 0
    this.applied = from
    this.notify(null)
    this.settleWaiters()
    this.subscription = this.store.subscribe({
      after: from,
      onEvent: event => {
        if (generation !== this.generation || this.closed) return
        this.pending.push(event)
        if (this.pending.length >= (this.options.batchSize ?? 500)) this.flushOrFail()
        else this.scheduleFlush()
      },
      onCaughtUp: () => {
        if (generation === this.generation) this.flushOrFail()
      },
      onError: error => {
        if (generation === this.generation) this.fail(error)
      },
    })
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.lingerTimer) return
    const wait = this.waiters.size > 0 ? 0 : this.lastCommitAt + (this.options.lingerMs ?? DEFAULT_LINGER_MS) - performance.now()
    if (wait <= 0) return this.flushNow()
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null
      this.flushOrFail()
    }, wait)
  }

  /** Flushes on the next turn of the event loop (batching what arrives in this one). */
  private flushNow(): void {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer)
      this.lingerTimer = null
    }
    if (this.flushTimer) return
    this.flushTimer = setImmediate(() => {
      this.flushTimer = null
      this.flushOrFail()
    })
  }

  private flushOrFail(): void {
    try {
      this.flush()
    } catch (error) {
      this.fail(error)
    }
  }

  /** Commits the pending events. Throws (after discarding them) when the transaction fails. */
  private flush(): void {
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    try {
      this.known = applyBatch(this.readModels, this.projections, batch, this.known)
    } catch (error) {
      // Nothing of the batch was committed; the subscription is restarted from the checkpoints.
      this.generation++
      throw error
    }
    this.applied = batch[batch.length - 1].position
    this.lastCommitAt = performance.now()
    this.retryDelay = this.options.retryDelayMs ?? 250
    this.notify(batch)
    this.settleWaiters()
  }

  private fail(error: unknown): void {
    if (this.closed) return
    const rewound = error instanceof CheckpointRewoundError
    if (!rewound) {
      this.error = error
      try {
        if (this.options.onError) this.options.onError(error)
        else console.error('gridledger projections: applying events failed; retrying from the checkpoints', error)
      } catch {
        // A failing error handler must not stop the retries.
      }
    }
    this.generation++
    this.pending = []
    const previous = this.subscription
    this.subscription = null
    const delay = rewound ? 0 : this.retryDelay
    if (!rewound) this.retryDelay = Math.min(MAX_RETRY_MS, this.retryDelay * 2)
    void (previous?.close() ?? Promise.resolve()).catch(() => undefined).then(() => {
      if (this.closed) return
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null
        try {
          this.subscribe()
        } catch (e) {
          this.fail(e)
        }
      }, delay)
      this.retryTimer.unref()
    })
  }

  private notify(events: readonly StoredEvent[] | null): void {
    for (const listener of this.listeners) {
      try {
        listener(events)
      } catch (error) {
        console.error('gridledger projections: a listener failed', error)
      }
    }
  }

  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  private settleWaiters(): void {
    for (const w of this.waiters) {
      if (this.applied >= w.position) {
        clearTimeout(w.timer)
        this.waiters.delete(w)
        w.resolve(true)
      }
    }
  }

  waitFor(position: number, timeoutMs = DEFAULT_WAIT_MS): Promise<boolean> {
    if (this.applied >= position) return Promise.resolve(true)
    if (this.closed) return Promise.resolve(false)
    return new Promise(resolve => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          resolve(false)
        }, Math.max(0, timeoutMs)),
      }
      this.waiters.add(waiter)
      if (this.pending.length > 0) this.flushNow()
    })
  }

  position(): number {
    return this.applied
  }

  lastError(): unknown {
    return this.error
  }

  async close(): Promise<void> {
    if (this.closed) return
    const subscription = this.subscription
    this.subscription = null
    // Stop delivery first, then commit what was delivered.
    await subscription?.close()
    if (this.flushTimer) clearImmediate(this.flushTimer)
    if (this.lingerTimer) clearTimeout(this.lingerTimer)
    this.flushTimer = null
    this.lingerTimer = null
    try {
      this.flush()
    } catch {
      // Uncommitted events are applied again from the checkpoints next time.
    }
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    for (const w of this.waiters) {
      clearTimeout(w.timer)
      w.resolve(this.applied >= w.position)
    }
    this.waiters.clear()
  }
}

/** Starts feeding the projections from their checkpoints; live until close(). */
export function startProjections(store: EventStore, readModels: ReadModelStore, projections: Projection[], options: RunnerOptions = {}): ProjectionRunner {
  return new Runner(store, readModels, projections, options)
}

export const REBUILD_PAGE_SIZE = 1000

/**
 * Drops the projections' collections and checkpoints and replays every stored event into
 * them. The new read models are staged and replace the old ones in one transaction at the
 * end: readers see the old models until then, never half-built ones. `onProgress(done, total)`
 * counts in store positions (events, for the SQLite and memory stores).
 */
export async function rebuildProjections(
  store: EventStore,
  readModels: ReadModelStore,
  projections: Projection[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  assertUniqueNames(projections)
  const staged = readModels.staged()
  staged.clear(
    projections.flatMap(p => p.collections),
    projections.map(p => p.name),
  )
  let total = await store.headPosition()
  let after = 0
  onProgress?.(0, total)
  for (;;) {
    const page = await store.readAll({ after, limit: REBUILD_PAGE_SIZE })
    if (page.length === 0) break
    for (const event of page) {
      for (const p of projections) p.apply(event, staged)
      after = event.position
    }
    total = Math.max(total, after)
    onProgress?.(after, total)
  }
  for (const p of projections) staged.setCheckpoint(p.name, after)
  staged.commit()
}
