// The EventStoreDB adapter: the event store port (eventStore.ts) on EventStoreDB / KurrentDB
// through @eventstore/db-client (gRPC). Same behaviour as the SQLite adapter, proven by the one
// contract suite (test/store/contract.ts). Its parts, in reading order:
//   esdb/mapping.ts              streams, ids, metadata and positions in EventStoreDB, both ways
//   esdb/knownStreams.ts         what this instance knows of a stream: how retries are recognised
//   esdb/idempotencyPointers.ts  idempotency records: the per-key pointer streams, retention
//   esdb/allReader.ts            reads of $all (readAll, head position)
//   esdb/subscription.ts         catch-up subscriptions
//   esdb/calls.ts, failures.ts   deadlines; which client errors mean "unavailable"
//
// Appends. Every append is made with the EXACT expected revision the adapter just read (NO_STREAM
// for version 0), also for 'any', because the hash chain needs the previous event's hash: a
// concurrent writer makes EventStoreDB answer WrongExpectedVersion, which becomes
// VersionConflictError (numbers) or a retry ('any'). Appends to one stream, and appends with one
// idempotency key, are serialised in this process. Opening reads nothing but one event: there is
// no index of $all to build (see knownStreams.ts).
//
// Idempotency records (see idempotencyPointers.ts). A key already pointed to fails the append
// with IdempotencyKeyTakenError BEFORE anything is written. Remaining windows, documented:
// - a crash between the events and the pointer leaves the key unanswered. The retried request
//   finds no record, so the application runs it again; its append finds the key in the stream's
//   recent appends (the record is in the first event's metadata), writes the missing pointer
//   from it and fails with IdempotencyKeyTakenError, so the application replays the stored
//   answer. A retry with the same event ids is recognised as a duplicate and repairs the pointer;
// - two processes racing with one key both pass the check; the loser's events are written and
//   its pointer append fails with IdempotencyKeyTakenError. Acceptable: the application checks
//   findIdempotency before deciding, so this needs two concurrent first uses of a key on two
//   instances.
//
// Size. EventStoreDB refuses an append larger than its maximum append size
// (EVENTSTORE_MAX_APPEND_SIZE, 1 MiB by default) whole, before writing anything: that becomes
// AppendTooLargeError (a 413), never StoreUnavailableError (a 503 no retry can cure).
//
// Reads go to the leader (requiresLeader), as appends do, so an acknowledged append is read
// back. Stream reads take event positions from the server (EventStoreDB 22.10 and later report
// them; an older server's stream reads would give position 0).
//
// Failures. Every call has a deadline (timeoutMs, default 5 s). Connection loss, a down server,
// a leader change, a deadline: StoreUnavailableError, never a hang, never an acknowledgement of
// an append that was not confirmed. The client reconnects by itself; subscriptions resubscribe
// from the last delivered position with backoff.
import { setTimeout as sleep } from 'node:timers/promises'
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, MaxAppendSizeExceededError, NO_STREAM, WrongExpectedVersionError, type EventData } from '@eventstore/db-client'
import { KeyedLock } from '../shared/keyedLock.js'
import { AppendTooLargeError, DuplicateEventError, IDEMPOTENCY_MIN_RETENTION_MS, IdempotencyKeyTakenError, StoreUnavailableError, VersionConflictError } from './eventStore.js'
import type { AppendOptions, AppendResult, EventStore, IdempotencyRecord, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, SubscribeOptions, Subscription } from './eventStore.js'
import { GENESIS_HASH } from './hashChain.js'
import { isRetry, prepareAppend, type PreparedAppend } from './prepareAppend.js'
import { AllReader, ALL_PAGE, LEADER } from './esdb/allReader.js'
import { collect, within } from './esdb/calls.js'
import { unavailable } from './esdb/failures.js'
import { IdempotencyPointers } from './esdb/idempotencyPointers.js'
import { KnownStreams, type KnownStream } from './esdb/knownStreams.js'
import { DEFAULT_STREAM_PREFIX, EsdbMapping, METADATA_KEY, type Decoded } from './esdb/mapping.js'
import { EsdbSubscription } from './esdb/subscription.js'

export { DEFAULT_STREAM_PREFIX, METADATA_KEY }

const MAX_APPEND_ATTEMPTS = 10

export interface EsdbEventStoreOptions {
  /** Prefix of our streams in EventStoreDB (default `gridledger-`). */
  streamPrefix?: string
  /** Deadline for every call to the server, in ms (default 5000). */
  timeoutMs?: number
  /** How long an idempotency record answers (default and minimum 24 h). */
  idempotencyRetentionMs?: number
  /** How many streams' event ids an instance keeps to recognise retries (default 1000). */
  knownStreams?: number
  /** The clock that ages idempotency records (tests move it on). */
  now?: () => number
}

export interface EsdbEventStore extends EventStore {
  readonly streamPrefix: string
}

export async function openEsdbEventStore(connectionString: string, options: EsdbEventStoreOptions = {}): Promise<EsdbEventStore> {
  // KurrentDB is EventStoreDB renamed: client 6.2.1 knows only the esdb schemes.
  const url = connectionString.trim().replace(/^kurrentdb(\+discover)?:\/\//i, (_, discover: string | undefined) => `esdb${discover ?? ''}://`)
  const store = new EsdbStore(url, options)
  try {
    await store.ping()
  } catch (error) {
    await store.close().catch(() => undefined)
    throw unavailable(error, 'open')
  }
  return store
}

class EsdbStore implements EsdbEventStore {
  readonly streamPrefix: string
  private readonly mapping: EsdbMapping
  private readonly timeoutMs: number
  private readonly client: EventStoreDBClient
  private readonly reader: AllReader
  private readonly pointers: IdempotencyPointers
  private readonly retentionMs: number
  private readonly known: KnownStreams
  private readonly now: () => number
  private closed = false
  private closing: Promise<void> | null = null
  private readonly inflight = new Set<Promise<unknown>>()
  private readonly subscriptions = new Set<EsdbSubscription>()
  private readonly streamLocks = new KeyedLock()
  private readonly keyLocks = new KeyedLock()

  constructor(connectionString: string, options: EsdbEventStoreOptions) {
    this.mapping = new EsdbMapping(options.streamPrefix ?? DEFAULT_STREAM_PREFIX)
    this.streamPrefix = this.mapping.streamPrefix
    this.timeoutMs = options.timeoutMs ?? 5_000
    this.retentionMs = Math.max(IDEMPOTENCY_MIN_RETENTION_MS, options.idempotencyRetentionMs ?? 0)
    this.known = new KnownStreams(options.knownStreams)
    this.now = options.now ?? Date.now
    this.client = EventStoreDBClient.connectionString(connectionString)
    this.reader = new AllReader(this.client, this.mapping, this.timeoutMs)
    this.pointers = new IdempotencyPointers(this.client, this.mapping, this.timeoutMs, this.retentionMs, this.now, (stream, events, expected) => this.appendRaw(stream, events, expected))
  }

  // ------------------------------------------------------------------------------------------
  // Port

  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.track(async () => {
      const p = prepareAppend(streamId, events, options)
      this.mapping.checkAppend(p)
      const run = () => this.streamLocks.run(streamId, () => this.appendLocked(p))
      return p.idempotency ? this.keyLocks.run(p.idempotency.key, run) : run()
    })
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => (await this.readDecoded(streamId, options)).map(d => d.stored))
  }

  streamVersion(streamId: string): Promise<number> {
    return this.track(async () => {
      if (streamId.startsWith('$')) return 0
      const [last] = await collect('read stream', this.timeoutMs, () =>
        this.client.readStream(this.mapping.streamName(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1, ...LEADER }),
      )
      return last?.event ? Number(last.event.revision) + 1 : 0
    })
  }

  readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    return this.track(async () => {
      const max = Math.max(0, Math.floor(limit))
      if (max === 0) return []
      const out: StoredEvent[] = []
      await this.reader.scan(Math.max(0, Math.floor(after)), Math.max(64, Math.min(max * 2, ALL_PAGE)), d => {
        out.push(d.stored)
        return out.length < max
      })
      return out
    })
  }

  headPosition(): Promise<number> {
    return this.track(() => this.reader.head())
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (!Number.isSafeInteger(options.after) || options.after < 0) throw new TypeError('subscribe: after must be a non-negative integer')
    if (typeof options.onEvent !== 'function') throw new TypeError('subscribe: onEvent is required')
    const sub = new EsdbSubscription({ client: this.client, mapping: this.mapping, reader: this.reader }, options, () => this.subscriptions.delete(sub))
    if (this.closed) sub.fail(new StoreUnavailableError('event store is closed'))
    else this.subscriptions.add(sub)
    return sub
  }

  findIdempotency(key: string): Promise<IdempotencyRecord | null> {
    return this.track(async () => (await this.pointers.read(key)).record)
  }

  /** EventStoreDB prunes expired records itself ($maxAge on each pointer stream, then its scavenge): nothing to do here. */
  pruneIdempotency(): Promise<number> {
    return this.track(async () => 0)
  }

  ping(): Promise<void> {
    return this.track(() => this.reader.ping(Math.min(this.timeoutMs, 2_000)))
  }

  close(): Promise<void> {
    if (this.closing) return this.closing
    this.closed = true
    this.closing = (async () => {
      // Appends made before close complete (or fail) first.
      await Promise.allSettled([...this.inflight])
      await Promise.allSettled([...this.subscriptions].map(s => s.close()))
      await this.client.dispose().catch(() => undefined)
    })()
    return this.closing
  }

  // ------------------------------------------------------------------------------------------
  // Append

  private async appendLocked(p: PreparedAppend): Promise<AppendResult> {
    const streamId = p.streamId
    const fresh = p.events.every(e => this.known.locate(e.event.id) === undefined)
    // A conflict this instance already knows of (versions only grow) needs no round trip.
    const cached = this.known.get(streamId)
    if (fresh && cached && p.expectedVersion !== 'any' && p.expectedVersion < cached.version) {
      throw new VersionConflictError(streamId, p.expectedVersion, cached.version)
    }
    for (let attempt = 1; ; attempt++) {
      // Independent reads, in parallel: the key's pointer (first attempt) and the stream's new events.
      const [pointer, known] = await Promise.all([p.idempotency && attempt === 1 ? this.pointers.read(p.idempotency.key) : null, this.refresh(streamId)])
      if (pointer?.record && p.idempotency) throw new IdempotencyKeyTakenError(p.idempotency.key)
      const duplicate = await this.storedAlready(p)
      if (duplicate) {
        if (p.idempotency && duplicate[0].idempotency?.key === p.idempotency.key) await this.repairPointer(duplicate[0].idempotency, duplicate)
        const last = duplicate[duplicate.length - 1].stored
        return { streamId, version: last.version, position: last.position, events: duplicate.map(d => d.stored), duplicate: true }
      }
      if (p.idempotency) await this.refuseKeyUsedIn(known, p.idempotency.key)
      const version = known.version
      if (p.expectedVersion !== 'any' && p.expectedVersion !== version) throw new VersionConflictError(streamId, p.expectedVersion, version)
      if (p.events.length === 0) {
        if (p.idempotency) await this.pointers.write(p.idempotency, { streamId, version, position: known.tail?.position ?? 0, eventIds: [] }, pointer ?? { record: null, revision: null })
        return { streamId, version, position: known.tail?.position ?? 0, events: [], duplicate: false }
      }

      const encoded = this.mapping.encode(p, version, known.tail ? known.tail.hash : GENESIS_HASH)
      let position: number
      try {
        position = await this.appendRaw(this.mapping.streamName(streamId), encoded.proposed, version === 0 ? NO_STREAM : BigInt(version - 1))
      } catch (error) {
        if (error instanceof MaxAppendSizeExceededError) throw new AppendTooLargeError(sizeOf(encoded.proposed), error.maxAppendSize)
        if (!(error instanceof WrongExpectedVersionError)) throw unavailable(error, 'append')
        // Another writer (another process) got in between our read and our append.
        if (attempt < MAX_APPEND_ATTEMPTS) {
          if (p.expectedVersion === 'any') await sleep(Math.floor(Math.random() * 5 * attempt))
          continue
        }
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) + 1 : 0
        throw new VersionConflictError(streamId, p.expectedVersion, actual)
      }

      // The append answers with the last event's position; a multi-event append is read back for the others.
      const written: Decoded[] =
        p.events.length === 1
          ? [{ stored: { ...p.events[0].event, streamId, version: version + 1, position, hash: encoded.hashes[0], prevHash: encoded.metadata[0].prevHash }, idempotency: encoded.metadata[0].idempotency, created: this.now() }]
          : await this.readDecoded(streamId, { fromVersion: version + 1, limit: p.events.length })
      if (written.length !== p.events.length || written.some((d, i) => d.stored.id !== p.events[i].event.id)) {
        throw new StoreUnavailableError(`EventStoreDB append to ${streamId}: the appended events could not be read back`)
      }
      this.known.add(streamId, written)
      const last = written[written.length - 1].stored
      if (p.idempotency) {
        await this.pointers.write(p.idempotency, { streamId, version: last.version, position: last.position, eventIds: written.map(d => d.stored.id) }, pointer ?? { record: null, revision: null })
      }
      return { streamId, version: last.version, position: last.position, events: written.map(d => d.stored), duplicate: false }
    }
  }

  /** Brings what this instance knows of a stream up to date: its events after the known version. */
  private async refresh(streamId: string): Promise<KnownStream> {
    const from = (this.known.get(streamId)?.version ?? 0) + 1
    return this.known.add(streamId, await this.readDecoded(streamId, { fromVersion: from }))
  }

  /** The events of an append already stored (an idempotent retry), null when none is, or DuplicateEventError. */
  private async storedAlready(p: PreparedAppend): Promise<Decoded[] | null> {
    const hits = p.events.map(e => this.known.locate(e.event.id))
    if (!isRetry(p, hits)) return null
    const stored = await this.readDecoded(p.streamId, { fromVersion: hits[0]!.version, limit: p.events.length })
    if (stored.length !== p.events.length || stored.some((d, i) => d.stored.id !== p.events[i].event.id)) {
      throw new DuplicateEventError(p.events[0].event.id)
    }
    return stored
  }

  /**
   * A key whose record is in this stream's recent appends but has no pointer: a crash came
   * between the events and the pointer. Writes the pointer from the stored record and refuses
   * the append, so the application replays the stored answer instead of recording twice.
   */
  private async refuseKeyUsedIn(known: KnownStream, key: string): Promise<void> {
    const used = known.keys.get(key)
    if (!used || this.now() - used.createdAt >= this.retentionMs) return
    const events = await this.readDecoded(known.streamId, { fromVersion: used.version, limit: 1 })
    await this.repairPointer(used.record, events)
    throw new IdempotencyKeyTakenError(key)
  }

  private async repairPointer(record: IdempotencyRecord, stored: Decoded[]): Promise<void> {
    const last = stored[stored.length - 1]?.stored
    if (!last) return
    await this.pointers.repair(record, { streamId: last.streamId, version: last.version, position: last.position, eventIds: stored.map(d => d.stored.id) })
  }

  /** One append to an EventStoreDB stream; its $all position (of the last event). */
  private async appendRaw(name: string, events: EventData[], expectedRevision: typeof NO_STREAM | bigint): Promise<number> {
    // The gRPC deadline covers the call; the race also covers the server-features call the
    // client makes first, which has no deadline of its own (and BatchAppend, whose wait for the
    // answer has none either).
    const result = await within('append', this.timeoutMs + 500, this.client.appendToStream(name, events, { expectedRevision, deadline: this.timeoutMs }))
    return result.position ? Number(result.position.commit) : 0
  }

  // ------------------------------------------------------------------------------------------
  // Reads

  private async readDecoded(streamId: string, options: ReadStreamOptions): Promise<Decoded[]> {
    if (streamId.startsWith('$')) return []
    const from = Math.max(1, Math.floor(options.fromVersion ?? 1))
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER
    const count = Math.min(to - from + 1, options.limit ?? Number.MAX_SAFE_INTEGER)
    if (!(count > 0)) return []
    const name = this.mapping.streamName(streamId)
    const read = await collect('read stream', this.timeoutMs, () =>
      this.client.readStream(name, { direction: FORWARDS, fromRevision: BigInt(from - 1), maxCount: Math.floor(count), ...LEADER }),
    )
    return read.map(r => this.mapping.decode(r)).filter((d): d is Decoded => d !== null)
  }

  private track<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('event store is closed'))
    const running = task()
    this.inflight.add(running)
    const forget = () => this.inflight.delete(running)
    running.then(forget, forget)
    return running
  }
}

/** About what the server counts against its maximum append size: each event's data, metadata and type. */
function sizeOf(events: EventData[]): number {
  return events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata ?? {})) + Buffer.byteLength(e.type), 0)
}

