// In-memory event store for fast tests: the same semantics as the SQLite adapter (expected
// versions, idempotent retries by event id, idempotency records, hash chain, catch-up
// subscriptions), nothing persisted. Events are kept as JSON text, like SQLite keeps them, so
// a reader can never mutate what is stored and values round-trip exactly as they would there.
//
// Also home to two helpers the SQLite adapter shares (kept here so the memory adapter does
// not load the native SQLite module): `prepareAppend` (validation + JSON round trip) and
// `startCatchUpSubscription` (catch-up then live delivery over readAll).
import { setImmediate as nextMacrotask } from 'node:timers/promises'
import {
  DuplicateEventError,
  IdempotencyKeyTakenError,
  StoreUnavailableError,
  VersionConflictError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type IdempotencyRecord,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
} from './eventStore.js'
import { eventHash, GENESIS_HASH } from './hashChain.js'

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** An event as it will be stored: content after a JSON round trip, plus its JSON text. */
export interface PreparedEvent {
  event: NewEvent
  dataJson: string
  metadataJson: string
}

export interface PreparedAppend {
  streamId: string
  events: PreparedEvent[]
  expectedVersion: number | 'any'
  idempotency?: { key: string; fingerprint: string; response: unknown; responseJson: string }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Validates an append's arguments and round-trips every payload through JSON, so the hash is
 * computed over exactly what a reader will get back. Throws TypeError on malformed input.
 */
export function prepareAppend(streamId: string, events: NewEvent[], options: AppendOptions): PreparedAppend {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string')
  if (!Array.isArray(events)) throw new TypeError('events must be an array')
  if (!options || typeof options !== 'object') throw new TypeError('append options are required')
  const { expectedVersion } = options
  if (expectedVersion !== 'any' && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) {
    throw new TypeError(`expectedVersion must be a non-negative integer or 'any' (got ${String(expectedVersion)})`)
  }
  const seen = new Set<string>()
  const prepared = events.map((e, i): PreparedEvent => {
    if (!e || typeof e !== 'object') throw new TypeError(`event ${i} is not an object`)
    if (typeof e.id !== 'string' || e.id.length === 0) throw new TypeError(`event ${i}: id must be a non-empty string`)
    if (seen.has(e.id)) throw new DuplicateEventError(e.id)
    seen.add(e.id)
    if (typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`event ${i}: type must be a non-empty string`)
    if (!Number.isSafeInteger(e.schemaVersion)) throw new TypeError(`event ${i}: schemaVersion must be an integer`)
    if (!isPlainObject(e.data)) throw new TypeError(`event ${i}: data must be an object`)
    if (!isPlainObject(e.metadata)) throw new TypeError(`event ${i}: metadata must be an object`)
    if (typeof e.recordedAt !== 'string' || Number.isNaN(Date.parse(e.recordedAt))) throw new TypeError(`event ${i}: recordedAt must be an ISO 8601 instant`)
    const dataJson = JSON.stringify(e.data)
    const metadataJson = JSON.stringify(e.metadata)
    return {
      event: {
        id: e.id,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: JSON.parse(dataJson) as Record<string, unknown>,
        metadata: JSON.parse(metadataJson) as Record<string, unknown>,
        recordedAt: e.recordedAt,
      },
      dataJson,
      metadataJson,
    }
  })
  let idempotency: PreparedAppend['idempotency']
  if (options.idempotency !== undefined) {
    const { key, fingerprint, response } = options.idempotency
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('idempotency.key must be a non-empty string')
    if (typeof fingerprint !== 'string') throw new TypeError('idempotency.fingerprint must be a string')
    const responseJson = JSON.stringify(response === undefined ? null : response)
    idempotency = { key, fingerprint, response: JSON.parse(responseJson), responseJson }
  }
  return { streamId, events: prepared, expectedVersion, idempotency }
}

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

// ---------------------------------------------------------------------------------------------
// The memory adapter

interface Row {
  streamId: string
  version: number
  position: number
  id: string
  type: string
  schemaVersion: number
  dataJson: string
  metadataJson: string
  recordedAt: string
  hash: string
  prevHash: string
}

function toStored(r: Row): StoredEvent {
  return {
    id: r.id,
    type: r.type,
    schemaVersion: r.schemaVersion,
    data: JSON.parse(r.dataJson) as Record<string, unknown>,
    metadata: JSON.parse(r.metadataJson) as Record<string, unknown>,
    recordedAt: r.recordedAt,
    streamId: r.streamId,
    version: r.version,
    position: r.position,
    hash: r.hash,
    prevHash: r.prevHash,
  }
}

export interface MemoryEventStore extends EventStore {
  readonly stats: { commits: number; appends: number }
}

export function createMemoryEventStore(): MemoryEventStore {
  /** all[position - 1]: positions are contiguous here. */
  const all: Row[] = []
  const streams = new Map<string, Row[]>()
  const byId = new Map<string, Row>()
  const idempotency = new Map<string, { fingerprint: string; responseJson: string }>()
  const hub = new SubscriberHub()
  const stats = { commits: 0, appends: 0 }
  let closed = false

  const ensureOpen = () => {
    if (closed) throw new StoreUnavailableError('event store is closed')
  }

  function appendNow(p: PreparedAppend): AppendResult {
    if (p.idempotency && idempotency.has(p.idempotency.key)) throw new IdempotencyKeyTakenError(p.idempotency.key)
    // Idempotent retry: every id already stored as consecutive events of this stream.
    const found = p.events.map(e => byId.get(e.event.id))
    const firstFound = found.findIndex(r => r !== undefined)
    if (firstFound >= 0) {
      const rows = found as Row[]
      const whole = found.every(r => r !== undefined) && rows.every((r, i) => r.streamId === p.streamId && r.version === rows[0].version + i)
      if (!whole) throw new DuplicateEventError(p.events[firstFound].event.id)
      const last = rows[rows.length - 1]
      return { streamId: p.streamId, version: last.version, position: last.position, events: rows.map(toStored), duplicate: true }
    }
    const stream = streams.get(p.streamId) ?? []
    const head = stream[stream.length - 1]
    const actual = head?.version ?? 0
    if (p.expectedVersion !== 'any' && p.expectedVersion !== actual) throw new VersionConflictError(p.streamId, p.expectedVersion, actual)
    if (p.events.length === 0) {
      if (p.idempotency) idempotency.set(p.idempotency.key, { fingerprint: p.idempotency.fingerprint, responseJson: p.idempotency.responseJson })
      return { streamId: p.streamId, version: actual, position: head?.position ?? 0, events: [], duplicate: false }
    }
    let prevHash = head?.hash ?? GENESIS_HASH
    let version = actual
    const rows: Row[] = []
    for (const { event, dataJson, metadataJson } of p.events) {
      version++
      const hash = eventHash(prevHash, p.streamId, version, event)
      rows.push({
        streamId: p.streamId, version, position: all.length + rows.length + 1, id: event.id, type: event.type, schemaVersion: event.schemaVersion,
        dataJson, metadataJson, recordedAt: event.recordedAt, hash, prevHash,
      })
      prevHash = hash
    }
    // Commit: nothing above can throw past this point.
    for (const r of rows) {
      all.push(r)
      stream.push(r)
      byId.set(r.id, r)
    }
    streams.set(p.streamId, stream)
    if (p.idempotency) idempotency.set(p.idempotency.key, { fingerprint: p.idempotency.fingerprint, responseJson: p.idempotency.responseJson })
    stats.commits++
    const last = rows[rows.length - 1]
    return { streamId: p.streamId, version: last.version, position: last.position, events: rows.map(toStored), duplicate: false }
  }

  const store: MemoryEventStore = {
    stats,
    async append(streamId, events, options) {
      ensureOpen()
      const result = appendNow(prepareAppend(streamId, events, options))
      stats.appends++
      if (!result.duplicate && result.events.length > 0) hub.notify()
      return result
    },
    async readStream(streamId: string, options: ReadStreamOptions = {}) {
      ensureOpen()
      const from = Math.max(1, options.fromVersion ?? 1)
      const to = options.toVersion ?? Number.MAX_SAFE_INTEGER
      const stream = streams.get(streamId) ?? []
      let rows = stream.slice(from - 1, Math.max(from - 1, Math.min(stream.length, to)))
      if (options.limit !== undefined) rows = rows.slice(0, Math.max(0, options.limit))
      return rows.map(toStored)
    },
    async streamVersion(streamId) {
      ensureOpen()
      return streams.get(streamId)?.length ?? 0
    },
    async readAll({ after, limit }: ReadAllOptions) {
      ensureOpen()
      const start = Math.max(0, Math.floor(after))
      return all.slice(start, start + Math.max(0, Math.floor(limit))).map(toStored)
    },
    async headPosition() {
      ensureOpen()
      return all.length
    },
    subscribe(options) {
      return startCatchUpSubscription(store, hub, options)
    },
    async findIdempotency(key): Promise<IdempotencyRecord | null> {
      ensureOpen()
      const r = idempotency.get(key)
      return r ? { key, fingerprint: r.fingerprint, response: JSON.parse(r.responseJson) } : null
    },
    async ping() {
      ensureOpen()
    },
    async close() {
      if (closed) return
      const stopping = hub.closeAll()
      closed = true
      await stopping
    },
  }
  return store
}
