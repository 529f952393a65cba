// Group commit: appends arriving while a flush is pending are queued and written together in
// ONE transaction (flushed on setImmediate), at most `maxBatch` at a time; the rest go in the
// next transaction, which can commit while this one syncs. Each append's caller is settled with
// its own outcome once the batch's commit is on disk.
import type { AppendResult, StoredEvent } from '../eventStore.js'
import type { PreparedAppend } from '../prepareAppend.js'

export interface Pending {
  prepared: PreparedAppend
  resolve(result: AppendResult): void
  reject(error: unknown): void
}

export type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown }

export class AppendQueue {
  private queue: Pending[] = []
  private timer: NodeJS.Immediate | null = null

  constructor(
    private readonly maxBatch: number,
    /** Writes one batch in one transaction and arranges for its callers to be settled. */
    private readonly writeBatch: (batch: Pending[]) => void,
  ) {}

  push(pending: Pending): void {
    this.queue.push(pending)
    this.schedule()
  }

  /** Writes everything queued now, batch by batch (on close). */
  drain(): void {
    while (this.queue.length > 0) this.flush()
  }

  private schedule(): void {
    if (!this.timer) this.timer = setImmediate(() => this.flush())
  }

  private flush(): void {
    if (this.timer) {
      clearImmediate(this.timer)
      this.timer = null
    }
    const batch = this.queue.splice(0, this.maxBatch)
    if (this.queue.length > 0) this.schedule()
    if (batch.length > 0) this.writeBatch(batch)
  }
}

/** An outcome that stored new events (not a duplicate, not empty). */
export function wroteEvents(o: Outcome): o is { ok: true; result: AppendResult } {
  return o.ok && !o.result.duplicate && o.result.events.length > 0
}

/** Highest position a committed batch wrote (0 when it wrote nothing). */
export function highestWritten(outcomes: Outcome[]): number {
  let position = 0
  for (const o of outcomes) if (wroteEvents(o)) position = Math.max(position, o.result.position)
  return position
}

/** The events a committed batch stored, in position order. */
export function writtenEvents(outcomes: Outcome[]): StoredEvent[] {
  const events: StoredEvent[] = []
  for (const o of outcomes) if (wroteEvents(o)) for (const e of o.result.events) events.push(e)
  return events
}

/** Settles each caller of a committed batch with its outcome; calls `onWrote` when any stored new events. */
export function settleBatch(batch: Pending[], outcomes: Outcome[], onWrote: () => void): void {
  let wrote = false
  for (let i = 0; i < batch.length; i++) {
    const o = outcomes[i]
    if (o.ok) {
      if (wroteEvents(o)) wrote = true
      batch[i].resolve(o.result)
    } else {
      batch[i].reject(o.error)
    }
  }
  if (wrote) onWrote()
}
