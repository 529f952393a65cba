// Catch-up subscriptions on EventStoreDB: subscribeToAll from the last handled position, with a
// server-side stream-prefix filter. onCaughtUp on the server's caught_up signal (23.10 and later)
// counted past the events still buffered before it, or once our head position at subscribe time
// has been handled, whichever comes first.
import { START, streamNameFilter, type AllStreamResolvedEvent, type AllStreamSubscription, type EventStoreDBClient, type ReadPosition } from '@eventstore/db-client'
import type { SubscribeOptions, Subscription } from '../eventStore.js'
import type { AllReader } from './allReader.js'
import { isTransient } from './failures.js'
import { positionNumber, type EsdbMapping } from './mapping.js'

/** What a subscription needs of the store. */
export interface SubscriptionSource {
  client: EventStoreDBClient
  mapping: EsdbMapping
  reader: AllReader
}

class HandlerFailure {
  constructor(readonly error: unknown) {}
}

/**
 * A catch-up subscription on subscribeToAll, filtered on our stream prefix: events after `after`,
 * `onCaughtUp` once everything stored at subscribe time has been handled, then live events.
 * Handlers are awaited one at a time. A lost connection (or a down server) is not an error of
 * the subscription: it resubscribes from the last handled position with backoff, so no event is
 * lost or repeated. A throwing handler stops it and reaches onError.
 */
export class EsdbSubscription implements Subscription {
  private last: number
  private closed = false
  private stopRequested = false
  private caughtUp = false
  private current: AllStreamSubscription | null = null
  /** Our head position at subscribe time. */
  private target: number | null = null
  /** A start position found after the server refused `last` as one. */
  private startOverride: ReadPosition | null = null
  private wake: (() => void) | null = null
  private readonly done: Promise<void>

  constructor(private readonly source: SubscriptionSource, private readonly options: SubscribeOptions, private readonly forget: () => void) {
    this.last = options.after
    this.done = Promise.resolve().then(() => this.run())
  }

  /** Ends the subscription with an error before it starts (store closed). */
  fail(error: unknown): void {
    this.closed = true
    queueMicrotask(() => this.options.onError?.(error))
  }

  async close(): Promise<void> {
    this.stopRequested = true
    this.closed = true
    this.wake?.()
    this.current?.unsubscribe().catch(() => undefined)
    await this.done
  }

  private async run(): Promise<void> {
    let backoff = 50
    /** The `last` for which a refused start position was already replaced by an event's. */
    let startResolvedFor: number | null = null
    while (!this.closed) {
      try {
        if (!this.caughtUp && this.target === null) {
          // What "stored at subscribe time" means, for servers that send no caught-up signal.
          this.target = await this.source.reader.head()
          if (this.last >= this.target) this.signalCaughtUp()
        }
        await this.consume(() => (backoff = 50))
        // The server ended the call without an error: resubscribe after a pause.
      } catch (error) {
        if (error instanceof HandlerFailure) {
          this.closed = true
          if (!this.stopRequested && this.options.onError) {
            try {
              this.options.onError(error.error)
            } catch {
              // An onError that throws must not become an unhandled rejection.
            }
          }
          break
        }
        if (this.closed) break
        if (!isTransient(error) && this.last !== 0 && startResolvedFor !== this.last) {
          // The server refused the start position (`after` need not be an event's position):
          // start from the nearest event at or before it; events up to `after` are skipped.
          try {
            this.startOverride = await this.source.reader.eventPositionAtOrBefore(this.last)
            startResolvedFor = this.last
            continue
          } catch {
            // Unavailable: pause and try again.
          }
        }
      }
      if (this.closed) break
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, backoff)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = null
      backoff = Math.min(backoff * 2, 2_000)
    }
    this.forget()
    this.current?.unsubscribe().catch(() => undefined)
    this.current = null
  }

  private signalCaughtUp(): void {
    if (this.caughtUp || this.closed) return
    this.caughtUp = true
    try {
      this.options.onCaughtUp?.()
    } catch (error) {
      throw new HandlerFailure(error)
    }
  }

  /** One server subscription, from `last`, until it ends, fails or we close. */
  private async consume(onConfirmed: () => void): Promise<void> {
    const from: ReadPosition = this.startOverride ?? (this.last === 0 ? START : { commit: BigInt(this.last), prepare: BigInt(this.last) })
    this.startOverride = null
    const sub = this.source.client.subscribeToAll({ fromPosition: from, filter: streamNameFilter({ prefixes: [this.source.mapping.streamPrefix] }) })
    this.current = sub
    let failure: unknown = null
    let ended = false
    let taken = 0
    let handled = 0
    let caughtUpAfter: number | null = null
    const notify = () => {
      const w = this.wake
      this.wake = null
      w?.()
    }
    sub.on('error', error => {
      failure = error
      notify()
    })
    sub.on('end', () => {
      ended = true
      notify()
    })
    sub.on('close', () => {
      ended = true
      notify()
    })
    sub.on('readable', notify)
    sub.on('confirmation', onConfirmed)
    // caught_up marks the end of catch-up in the message stream; events before it may still
    // be buffered, so it counts once every event received before it has been handled.
    sub.on('caughtUp', () => {
      if (caughtUpAfter === null) caughtUpAfter = taken + sub.readableLength
      notify()
    })
    try {
      while (!this.closed) {
        if (caughtUpAfter !== null && handled >= caughtUpAfter) this.signalCaughtUp()
        const item = sub.read() as AllStreamResolvedEvent | null
        if (item === null) {
          if (failure) throw failure
          if (ended) return
          await new Promise<void>(resolve => (this.wake = resolve))
          continue
        }
        taken++
        const pos = item.event?.position ? positionNumber(item.event.position.commit) : 0
        if (pos > this.last) {
          const d = this.source.mapping.decode(item)
          if (d) {
            try {
              await this.options.onEvent(d.stored)
            } catch (error) {
              throw new HandlerFailure(error)
            }
          }
          this.last = pos
          if (this.target !== null && this.last >= this.target) this.signalCaughtUp()
        }
        handled++
      }
    } finally {
      this.current = null
      sub.unsubscribe().catch(() => undefined)
    }
  }

}
