// In-memory event store for fast tests: the same semantics as the SQLite adapter (expected
// versions, idempotent retries by event id, idempotency records, hash chain, catch-up
// subscriptions), nothing persisted. Events are kept as JSON text, like SQLite keeps them, so
// a reader can never mutate what is stored and values round-trip exactly as they would there.
import { startCatchUpSubscription, SubscriberHub } from './catchUpSubscription.js'
import { idempotencyPruneCutoff, IdempotencyKeyTakenError, StoreUnavailableError, VersionConflictError } from './eventStore.js'
import type { AppendResult, EventStore, IdempotencyRecord, ReadAllOptions, ReadStreamOptions, StoredEvent } from './eventStore.js'
import { eventHashOfCanonical, GENESIS_HASH } from './hashChain.js'
import { isRetry, prepareAppend, type PreparedAppend } from './prepareAppend.js'


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
  const idempotency = new Map<string, { fingerprint: string; responseJson: string; createdAt: number }>()
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
    if (isRetry(p, found)) {
      const rows = found as Row[]
      const last = rows[rows.length - 1]
      return { streamId: p.streamId, version: last.version, position: last.position, events: rows.map(toStored), duplicate: true }
    }
    const stream = streams.get(p.streamId) ?? []
    const head = stream[stream.length - 1]
    const actual = head?.version ?? 0
    if (p.expectedVersion !== 'any' && p.expectedVersion !== actual) throw new VersionConflictError(p.streamId, p.expectedVersion, actual)
    if (p.events.length === 0) {
      if (p.idempotency) idempotency.set(p.idempotency.key, { fingerprint: p.idempotency.fingerprint, responseJson: p.idempotency.responseJson, createdAt: Date.now() })
      return { streamId: p.streamId, version: actual, position: head?.position ?? 0, events: [], duplicate: false }
    }
    let prevHash = head?.hash ?? GENESIS_HASH
    let version = actual
    const rows: Row[] = []
    for (const { event, dataJson, metadataJson } of p.events) {
      version++
      const hash = eventHashOfCanonical(prevHash, p.streamId, version, event, dataJson, metadataJson)
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
    if (p.idempotency) idempotency.set(p.idempotency.key, { fingerprint: p.idempotency.fingerprint, responseJson: p.idempotency.responseJson, createdAt: Date.now() })
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
    async idempotencyRecordCount() {
      ensureOpen()
      return idempotency.size
    },
    async pruneIdempotency(olderThan, now = new Date()) {
      ensureOpen()
      const cutoff = idempotencyPruneCutoff(olderThan, now)
      let pruned = 0
      for (const [key, r] of idempotency) {
        if (r.createdAt < cutoff) {
          idempotency.delete(key)
          pruned++
        }
      }
      return pruned
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
