// Delivers webhooks: one worker per active subscription follows the store from the
// subscription's checkpoint through the live feed's own rule of what its owner may see
// (feed/feed.ts), in global order, one event at a time. Each attempt is logged in the
// subscription's stream before the next begins, and the checkpoint moves past an event only
// after a 2xx or once the event is given up, so a restart (or a crash) resumes where the log
// says: an event is delivered at least once, and a receiver dedupes retries by webhook-id.
// Closing lets a request already sent finish (within its time limit) and logs it, so a
// graceful restart sends nothing twice; only a crash mid-request can.
import type { HistoryEntry } from '../../projections/folds/history.js'
import type { ReadModelStore } from '../../projections/storage/readModelStore.js'
import type { EventStore, Subscription } from '../../store/eventStore.js'
import type { Clock } from '../clock.js'
import type { Feed } from '../feed/feed.js'
import { newId } from '../ids.js'
import { systemResolver, type AddressPolicy } from './addressGuard.js'
import { principalOf, webhookLogStream, WEBHOOKS_STREAM, type DeliveryAttempt, type WebhookRecord } from './registry.js'
import { DEFAULT_RETRY_POLICY, pastRetryWindow, retryDelayMs, shouldDisable, type RetryPolicy } from './retryPolicy.js'
import { send } from './send.js'
import { signatureHeaders } from './signature.js'

/** The contract's limit on one request. */
export const DEFAULT_TIMEOUT_MS = 5_000
/** Characters of a receiver's answer kept in the delivery log. */
const LOGGED_RESPONSE_CHARS = 256
/** A worker whose subscription failed (the store was unavailable) starts again after this long. */
const RESTART_AFTER_MS = 1_000

export type DeliveryOutcome = DeliveryAttempt['outcome']

/** Told of every attempt (metrics). */
export interface WebhookObserver {
  /** One attempt and how it ended; `lagSeconds` from the event's recording to its delivery (delivered only). */
  attempted(outcome: DeliveryOutcome, lagSeconds: number | null): void
}

export interface WebhookDeliveryOptions {
  /** GRIDLEDGER_WEBHOOK_ALLOW_PRIVATE: http:// and private addresses too. */
  allowPrivate?: boolean
  /** Name resolution (tests pass their own). */
  resolve?: AddressPolicy['resolve']
  retry?: RetryPolicy
  /** One request's limit (default 5 s). */
  timeoutMs?: number
  /** Wall-clock milliseconds for scheduling and the webhook-timestamp header. */
  now?: () => number
  /** In [0, 1): the jitter. */
  random?: () => number
  observer?: WebhookObserver
  /** How often subscriptions made elsewhere (another process, another instance) are picked up. */
  syncEveryMs?: number
  onError?(error: unknown): void
}

interface Deps {
  store: EventStore
  readModels: ReadModelStore
  feed: Feed
  /** The ledger's clock, for events' recordedAt. */
  clock: Clock
  /** True when the token that made a subscription has been revoked. */
  isRevoked(tokenId: string): boolean
  /** Waits until the read models have applied a position. */
  waitFor(position: number): Promise<unknown>
}

export function addressPolicy(options: WebhookDeliveryOptions): AddressPolicy {
  return { allowPrivate: options.allowPrivate ?? false, resolve: options.resolve ?? systemResolver }
}

export class WebhookDispatcher {
  private readonly workers = new Map<string, Worker>()
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private started = false
  private syncing: Promise<void> = Promise.resolve()
  /** Workers of deleted or disabled subscriptions still finishing a request they had sent. */
  private readonly stopping = new Set<Promise<void>>()

  constructor(
    private readonly deps: Deps,
    readonly options: WebhookDeliveryOptions = {},
  ) {}

  start(): void {
    this.started = true
    this.timer = setInterval(() => void this.sync(), this.options.syncEveryMs ?? 5_000)
    this.timer.unref()
    void this.sync()
  }

  /** Starts a worker for every active subscription without one; stops those of subscriptions deleted or disabled. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow()).catch(error => this.reportError(error))
    return this.syncing
  }

  private async syncNow(): Promise<void> {
    if (this.closed || !this.started) return
    const active = new Map(this.deps.readModels.list<WebhookRecord>('webhooks').filter(r => !r.disabled).map(r => [r.id, r]))
    for (const [id, worker] of this.workers) {
      if (!active.has(id)) {
        this.workers.delete(id)
        // Not awaited: the change (a DELETE) is answered without waiting for a receiver; the
        // worker sends nothing more from here, and close() waits for what it had sent.
        const stopped: Promise<void> = worker
          .stop()
          .catch(error => this.reportError(error))
          .finally(() => this.stopping.delete(stopped))
        this.stopping.add(stopped)
      }
    }
    for (const record of active.values()) {
      if (this.workers.has(record.id)) continue
      const worker = new Worker(record, this.deps, this.options, error => this.reportError(error))
      this.workers.set(record.id, worker)
      await worker.start()
    }
  }

  private reportError(error: unknown): void {
    if (this.options.onError) this.options.onError(error)
    else console.error('gridledger webhooks:', error)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    await this.syncing
    await Promise.all([...this.workers.values()].map(w => w.stop()))
    this.workers.clear()
    await Promise.all(this.stopping)
  }
}

/** The log's last attempt: the subscription's checkpoint, and the retry pending when it failed. */
async function lastAttempt(store: EventStore, webhookId: string): Promise<DeliveryAttempt | null> {
  const stream = webhookLogStream(webhookId)
  const version = await store.streamVersion(stream)
  if (version === 0) return null
  const [last] = await store.readStream(stream, { fromVersion: version, limit: 1 })
  return (last?.data as unknown as DeliveryAttempt | undefined) ?? null
}

class Worker {
  private subscription: Subscription | null = null
  /** Wakes a worker waiting for its next retry; a request already sent is not cut short. */
  private readonly wake = new AbortController()
  /** The attempt being made (sent, and then logged), which stop() waits for. */
  private attempting: Promise<unknown> = Promise.resolve()
  private stopped = false
  private last: DeliveryAttempt | null = null
  private restartTimer: NodeJS.Timeout | null = null
  private readonly policy: RetryPolicy
  private readonly now: () => number

  constructor(
    private readonly record: WebhookRecord,
    private readonly deps: Deps,
    private readonly options: WebhookDeliveryOptions,
    private readonly reportError: (error: unknown) => void,
  ) {
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY
    this.now = options.now ?? Date.now
  }

  async start(): Promise<void> {
    if (this.stopped) return
    this.last = await lastAttempt(this.deps.store, this.record.id)
    if (this.stopped) return
    const checkpoint = Math.max(this.record.createdPosition, this.last?.checkpoint ?? 0)
    this.subscription = this.deps.feed.follow(principalOf(this.record.owner), checkpoint, {
      onEntry: (position, entry) => this.deliver(position, entry),
      onError: error => {
        if (this.stopped) return
        this.reportError(error)
        this.subscription = null
        this.restartTimer = setTimeout(() => void this.start().catch(e => this.reportError(e)), RESTART_AFTER_MS)
        this.restartTimer.unref()
      },
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.wake.abort()
    if (this.restartTimer) clearTimeout(this.restartTimer)
    await this.attempting
    await this.subscription?.close()
  }

  private async deliver(position: number, entry: HistoryEntry): Promise<void> {
    if (this.stopped) return
    if (this.record.types.length > 0 && !this.record.types.includes(entry.type)) return
    const messageId = `msg_${this.record.id}_${position}`
    const body = JSON.stringify({ type: entry.type, timestamp: entry.recordedAt, position, data: entry })
    for (;;) {
      const pending = this.last?.outcome === 'failed' && this.last.position === position ? this.last : null
      if (pending?.nextAttemptAt) await this.sleepUntil(Date.parse(pending.nextAttemptAt))
      if (this.stopped) return
      if (this.record.owner.tokenId && this.deps.isRevoked(this.record.owner.tokenId)) return this.disable('the token that made this subscription was revoked')
      const attempting = this.attempt(position, entry, messageId, body, pending)
      this.attempting = attempting.catch(() => undefined)
      const { ok, result, outcome, failingSince } = await attempting
      if (ok) return
      if (result.status === 410) return this.disable('the receiver answered 410 Gone')
      if (shouldDisable(this.policy, Date.parse(failingSince!), this.now())) {
        return this.disable(`no delivery has succeeded since ${failingSince} (last: ${result.error}); deliveries are stopped`)
      }
      if (outcome === 'gave_up') return
    }
  }

  /** One request and its line in the log; runs to its end even when the worker is stopped meanwhile. */
  private async attempt(position: number, entry: HistoryEntry, messageId: string, body: string, pending: DeliveryAttempt | null) {
    const attempt = (pending?.attempt ?? 0) + 1
    const startedAt = this.now()
    const result = await send({ url: this.record.url, headers: signatureHeaders(this.record.secret, messageId, new Date(startedAt), body), body, timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, policy: addressPolicy(this.options) })
    const ok = result.status !== null && result.status >= 200 && result.status < 300
    const firstAttemptAt = pending?.firstAttemptAt ?? new Date(startedAt).toISOString()
    const failingSince = ok ? null : (this.last?.failingSince ?? new Date(startedAt).toISOString())
    const nextAt = startedAt + retryDelayMs(this.policy, attempt, (this.options.random ?? Math.random)())
    const outcome: DeliveryOutcome = ok ? 'delivered' : pastRetryWindow(this.policy, Date.parse(firstAttemptAt), nextAt) ? 'gave_up' : 'failed'
    const logged: DeliveryAttempt = {
      messageId,
      position,
      eventType: entry.type,
      attempt,
      outcome,
      status: result.status,
      error: result.error,
      response: result.body.slice(0, LOGGED_RESPONSE_CHARS),
      at: new Date(startedAt).toISOString(),
      durationMs: result.durationMs,
      nextAttemptAt: outcome === 'failed' ? new Date(nextAt).toISOString() : null,
      checkpoint: outcome === 'failed' ? (this.last?.checkpoint ?? this.record.createdPosition) : position,
      firstAttemptAt,
      failingSince,
    }
    await this.log(logged)
    this.options.observer?.attempted(outcome, ok ? Math.max(0, (this.now() - Date.parse(entry.recordedAt)) / 1000) : null)
    return { ok, result, outcome, failingSince }
  }

  private async log(attempt: DeliveryAttempt): Promise<void> {
    await this.deps.store.append(
      webhookLogStream(this.record.id),
      [{ id: newId(), type: 'WebhookDeliveryAttempted', schemaVersion: 1, data: { ...attempt }, metadata: { actor: { tokenId: null, role: 'admin', label: 'webhooks' } }, recordedAt: this.deps.clock().toISOString() }],
      { expectedVersion: 'any' },
    )
    this.last = attempt
  }

  /** Records why the subscription stopped (shown in GET /v1/webhooks) and stops this worker. */
  private async disable(reason: string): Promise<void> {
    this.stopped = true
    const result = await this.deps.store.append(
      WEBHOOKS_STREAM,
      [{ id: newId(), type: 'WebhookDisabled', schemaVersion: 1, data: { webhookId: this.record.id, reason }, metadata: { actor: { tokenId: null, role: 'admin', label: 'webhooks' } }, recordedAt: this.deps.clock().toISOString() }],
      { expectedVersion: 'any' },
    )
    // Not awaited: the subscription's close waits for this very handler to return.
    void this.subscription?.close()
    await this.deps.waitFor(result.position)
  }

  private sleepUntil(at: number): Promise<void> {
    const ms = at - this.now()
    if (ms <= 0 || this.stopped) return Promise.resolve()
    const signal = this.wake.signal
    return new Promise(resolve => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done, { once: true })
    })
  }
}
