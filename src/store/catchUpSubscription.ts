// Catch-up subscriptions over readAll, shared by the adapters that page their own log
// (memory, SQLite): deliver what is stored after a position, then wait for the hub's wake-ups
// and read on from the last delivered position.
import { setImmediate as nextMacrotask } from 'node:timers/promises'
import type { ReadAllOptions, StoredEvent, SubscribeOptions, Subscription } from './eventStore.js'

/** Registry of live subscriptions, woken after each commit. */
export class SubscriberHub {
  private readonly subs = new Set<CatchUpSubscription>()
  add(sub: CatchUpSubscription): void {
    this.subs.add(sub)
  }
  delete(sub: CatchUpSubscription): void {
    this.subs.delete(sub)
  }
  /** Tells every subscription that new events may be stored. */
  notify(): void {
    for (const sub of this.subs) sub.wake()
  }
  /** Stops every subscription (store closing): each is marked closed synchronously, then awaited. */
  closeAll(): Promise<void> {
    return Promise.all([...this.subs].map(s => s.close())).then(() => undefined)
  }
}

export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>
  headPosition(): Promise<number>
}

export const SUBSCRIPTION_PAGE_SIZE = 500

/**
 * A catch-up subscription over readAll: pages from `after` to the head (calling onCaughtUp once
 * everything stored at subscribe time was delivered), then waits for the hub's wake-ups and
 * reads on from the last delivered position. One loop does both phases, so an event committed
 * during catch-up is neither missed nor delivered twice.
 */
export class CatchUpSubscription implements Subscription {
  private last: number
  private closed = false
  private stopRequested = false
  private dirty = false
  private waiter: (() => void) | null = null
  private readonly done: Promise<void>

  constructor(private readonly source: CatchUpSource, private readonly hub: SubscriberHub, private readonly options: SubscribeOptions) {
    if (!Number.isSafeInteger(options.after) || options.after < 0) throw new TypeError('subscribe: after must be a non-negative integer')
    if (typeof options.onEvent !== 'function') throw new TypeError('subscribe: onEvent is required')
    this.last = options.after
    hub.add(this)
    this.done = this.run()
  }

  wake(): void {
    this.dirty = true
    const w = this.waiter
    this.waiter = null
    w?.()
  }

  async close(): Promise<void> {
    this.stopRequested = true
    this.closed = true
    this.hub.delete(this)
    this.wake()
    await this.done
  }

  private async run(): Promise<void> {
    const { onEvent, onCaughtUp, onError } = this.options
    try {
      // Let subscribe() return before the first read.
      await Promise.resolve()
      const target = await this.source.headPosition()
      let caughtUp = false
      const checkCaughtUp = () => {
        if (!caughtUp && this.last >= target && !this.closed) {
          caughtUp = true
          onCaughtUp?.()
        }
      }
      checkCaughtUp()
      while (!this.closed) {
        this.dirty = false
        const page = await this.source.readAll({ after: this.last, limit: SUBSCRIPTION_PAGE_SIZE })
        if (this.closed) break
        if (page.length === 0) {
          // Nothing stored beyond `last` (anything stored before target was delivered).
          if (!caughtUp) {
            caughtUp = true
            onCaughtUp?.()
          }
          if (this.dirty || this.closed) continue
          await new Promise<void>(resolve => (this.waiter = resolve))
          continue
        }
        for (const event of page) {
          if (this.closed) break
          if (event.position <= this.last) continue
          await onEvent(event)
          this.last = event.position
          checkCaughtUp()
        }
        // Give timers and I/O (the group commit) a turn between pages.
        await nextMacrotask()
      }
    } catch (error) {
      this.closed = true
      this.hub.delete(this)
      if (onError && !this.stopRequested) {
        try {
          onError(error)
        } catch {
          // An onError that throws must not become an unhandled rejection.
        }
      }
    }
  }
}

export function startCatchUpSubscription(source: CatchUpSource, hub: SubscriberHub, options: SubscribeOptions): Subscription {
  return new CatchUpSubscription(source, hub, options)
}
