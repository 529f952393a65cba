// Catch-up subscriptions over readAll, shared by the adapters that page their own log
// (memory, SQLite): deliver what is stored after a position, then wait for the hub's wake-ups
// and read on from the last delivered position. An adapter may hand the events of its own
// commit to the wake-up (once they are durable): a live subscription then delivers them
// without reading them back, as long as they follow on from what it delivered; anything else
// (a gap, another process's commit, a wake-up without events) is read from the store.
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
  /**
   * Tells every subscription that new events may be stored; `committed`, when given, are the
   * events of this process's commit (durable, in position order), which subscriptions may
   * deliver without reading them back. Subscribers share these objects: none may change them.
   */
  notify(committed?: readonly StoredEvent[]): void {
    for (const sub of this.subs) sub.wake(committed)
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

/** Handed events a subscription holds at most (a slow subscriber reads the rest from the store). */
const MAX_HANDED = 2 * SUBSCRIPTION_PAGE_SIZE

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
  /** Events handed by wake-ups, not yet delivered. */
  private handed: StoredEvent[] = []
  /** Something may be stored that `handed` does not hold: the next page is read from the store. */
  private mustRead = true
  /** Reads of the store (tests count them). */
  reads = 0
  private readonly done: Promise<void>

  constructor(private readonly source: CatchUpSource, private readonly hub: SubscriberHub, private readonly options: SubscribeOptions) {
    if (!Number.isSafeInteger(options.after) || options.after < 0) throw new TypeError('subscribe: after must be a non-negative integer')
    if (typeof options.onEvent !== 'function') throw new TypeError('subscribe: onEvent is required')
    this.last = options.after
    hub.add(this)
    this.done = this.run()
  }

  wake(committed?: readonly StoredEvent[]): void {
    if (!committed || committed.length === 0 || this.handed.length + committed.length > MAX_HANDED) {
      this.handed = []
      this.mustRead = true
    } else {
      for (const event of committed) this.handed.push(event)
    }
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
        let page = caughtUp ? this.takeHanded() : null
        if (!page) {
          if (caughtUp && !this.mustRead) {
            // Everything since the last read was handed and delivered: nothing to read.
            if (this.dirty || this.closed) continue
            await new Promise<void>(resolve => (this.waiter = resolve))
            continue
          }
          this.mustRead = false
          this.reads++
          page = await this.source.readAll({ after: this.last, limit: SUBSCRIPTION_PAGE_SIZE })
          // A full page may have more behind it.
          if (page.length >= SUBSCRIPTION_PAGE_SIZE) this.mustRead = true
        }
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

  /**
   * The handed events that follow on from the last delivered position (at most a page), or
   * null when there are none; a gap drops them all and makes the next page a read.
   */
  private takeHanded(): StoredEvent[] | null {
    const handed = this.handed
    let start = 0
    while (start < handed.length && handed[start].position <= this.last) start++
    if (start < handed.length && handed[start].position !== this.last + 1) this.mustRead = true
    if (start === handed.length || this.mustRead) {
      this.handed = []
      return null
    }
    let end = start + 1
    while (end < handed.length && end - start < SUBSCRIPTION_PAGE_SIZE && handed[end].position === handed[end - 1].position + 1) end++
    this.handed = handed.slice(end)
    return handed.slice(start, end)
  }
}

export function startCatchUpSubscription(source: CatchUpSource, hub: SubscriberHub, options: SubscribeOptions): Subscription {
  return new CatchUpSubscription(source, hub, options)
}
