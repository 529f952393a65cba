// The EventStoreDB adapter: the event store port (eventStore.ts) on EventStoreDB / KurrentDB
// through @eventstore/db-client (gRPC). Same behaviour as the SQLite adapter, proven by the one
// contract suite (test/store/contract.ts).
//
// Mapping
// - Streams: port stream `s` is EventStoreDB stream `<prefix>s` (default prefix `gridledger-`),
//   so our events can be told apart in $all. Port stream ids may not start with `$`: the adapter
//   keeps its own bookkeeping streams under `<prefix>$…` and skips them (and every system `$…`
//   stream, and every stream without our prefix) in readAll, headPosition and subscriptions.
// - Versions: port version = EventStoreDB revision + 1. Every append is made with the EXACT
//   expected revision the adapter just read (NO_STREAM for version 0), also for 'any', because
//   the hash chain needs the previous event's hash: a concurrent writer makes EventStoreDB
//   answer WrongExpectedVersion, which becomes VersionConflictError (numbers) or a retry ('any').
// - Event ids: our id is EventStoreDB's event id, so EventStoreDB's own idempotency holds for a
//   retried append. EventStoreDB ids must be UUIDs: an id that is not a lowercase canonical
//   UUID is mapped to a UUID derived from it (sha256) and kept in the metadata (`gridledger.id`).
// - Event metadata (EventStoreDB custom metadata, JSON) is the port's metadata (so the actor and
//   correlation ids sit where EventStoreDB tools look) plus one reserved key:
//     { ...event.metadata,
//       gridledger: { v: 1, schemaVersion, recordedAt, hash, prevHash,
//                     id?,            // our id when it is not a UUID
//                     idempotency? }  // { key, fingerprint, response } on the first event of an
//     }                               //   append that carried an idempotency record
//   A port metadata object with its own `gridledger` key is refused (TypeError).
// - Positions: the $all commit position as a JS number. Commit positions are byte offsets in the
//   transaction log; 2^53 bytes is 9 PB, beyond any realistic log, so Number() is exact. Since
//   EventStoreDB 20 every event of a multi-event append has its own log position
//   (commit = prepare), so positions strictly increase across events.
//
// Idempotency records. EventStoreDB has no multi-stream transactions. The record is stored
// INSIDE the first appended event's metadata (atomic with the events) and a pointer event is
// then appended to `<prefix>$idempotency-<sha256(key)>` with expected revision NO_STREAM;
// findIdempotency reads that pointer. A key already pointed to fails the append with
// IdempotencyKeyTakenError BEFORE anything is written (and two appends with one key in this
// process are serialised). Remaining windows, documented:
// - a crash between the events and the pointer leaves the key unanswered: findIdempotency says
//   null, the application re-runs the command, and because its event ids derive from the key the
//   retried append is recognised as a duplicate (duplicate: true); that retry also writes the
//   missing pointer from the record stored in the event, closing the window;
// - two processes racing with one key both pass the check; the loser's events are written and
//   its pointer append fails with IdempotencyKeyTakenError. Acceptable: the application checks
//   findIdempotency before deciding, so this needs two concurrent first uses of a key.
//
// Duplicate event ids. The port refuses an event id stored elsewhere (another stream, another
// order) with DuplicateEventError and answers a retried append with duplicate: true, whatever the
// expected version. EventStoreDB has no global id index, so the adapter keeps one in memory, for
// our streams only, rebuilt from $all when the store opens and brought up to date (one $all read
// from its last position) before every append. Scale-out: every instance rebuilds it from
// EventStoreDB; the one gap is an id written by another instance into ANOTHER stream in the
// instant between our index read and our append (in the same stream a retry is always
// recognised: the index is read up to the stream's tail first). Memory: ~150 bytes per event.
//
// Reads. $all holds system events ($-streams) and other applications' streams: readAll pages
// on until `limit` of ours are found, headPosition reads $all backwards to our newest event. 6.2.1
// sends readAll no server-side filter; subscriptions use a server-side stream-prefix filter.
// `after` may be any number (the contract reads from `position - 1`): a server refuses to read
// from inside a log record, so then the read starts at the nearest event at or before it.
// Reads go to the leader (requiresLeader), as appends do, so an acknowledged append is read
// back. Stream reads take event positions from the server (EventStoreDB 22.10 and later report
// them; an older server's stream reads would give position 0).
// Subscriptions: subscribeToAll from the last handled position; onCaughtUp on the server's
// caught_up signal (23.10 and later) counted past the events still buffered before it, or once
// our head position at subscribe time has been handled, whichever comes first.
//
// Failures. Every call has a deadline (timeoutMs, default 5 s; reads are given no gRPC deadline by
// the client, so the adapter times them out itself and cancels them). Connection loss, a down
// server, a leader change, a deadline: StoreUnavailableError, never a hang, never an
// acknowledgement of an append that was not confirmed. The client reconnects by itself;
// subscriptions resubscribe from the last delivered position with backoff.
import { createHash, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  NotLeaderError,
  START,
  streamNameFilter,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventData,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client'
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
import { eventHashOfCanonical, GENESIS_HASH } from './hashChain.js'
import { prepareAppend, type PreparedAppend } from './prepareAppend.js'

export const DEFAULT_STREAM_PREFIX = 'gridledger-'
/** The reserved key in EventStoreDB event metadata. */
export const METADATA_KEY = 'gridledger'
const POINTER_EVENT_TYPE = 'IdempotencyKeyUsed'
const MAX_APPEND_ATTEMPTS = 10
/** Reads go to the leader, like appends: what was acknowledged is read back (read-your-writes in a cluster). */
const LEADER = { requiresLeader: true } as const
const ALL_PAGE = 500

export interface EsdbEventStoreOptions {
  /** Prefix of our streams in EventStoreDB (default `gridledger-`). */
  streamPrefix?: string
  /** Deadline for every call to the server, in ms (default 5000). */
  timeoutMs?: number
}

export interface EsdbEventStore extends EventStore {
  readonly streamPrefix: string
}

/** What the adapter keeps in EventStoreDB event metadata under `gridledger`. */
interface GlMetadata {
  v: 1
  schemaVersion: number
  recordedAt: string
  hash: string
  prevHash: string
  id?: string
  idempotency?: IdempotencyRecord
}

interface Decoded {
  stored: StoredEvent
  idempotency?: IdempotencyRecord
}

type RecordedLike = NonNullable<AllStreamResolvedEvent['event']> | NonNullable<ResolvedEvent['event']>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Positions of 2^63 and above are EventStoreDB's "no position" (-1 as an unsigned 64-bit). */
const NO_POSITION = 1n << 63n

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/** A UUID (v8 layout) derived from a name. */
function uuidFrom(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex')
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

function esdbEventId(id: string): string {
  return UUID.test(id) ? id : uuidFrom('gridledger-event-id', id)
}

/** $all position as a JS number: a log byte offset, exact below 2^53 (9 PB of log). */
function positionNumber(commit: bigint): number {
  return Number(commit)
}

function positionOf(resolved: { commitPosition?: bigint }, event: RecordedLike): number {
  const commit = event.position?.commit
  if (commit !== undefined && commit < NO_POSITION) return positionNumber(commit)
  if (resolved.commitPosition !== undefined && resolved.commitPosition < NO_POSITION) return positionNumber(resolved.commitPosition)
  // A server that reports no position for stream reads (older than 22.10): unknown.
  return 0
}

/** Errors of the connection rather than of the request: the store is unavailable right now. */
function isTransient(error: unknown): boolean {
  // Our own timeouts carry no cause; a wrapped client error is judged by its cause.
  if (error instanceof StoreUnavailableError) return error.cause === undefined || isTransient(error.cause)
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError ||
    error instanceof TimeoutError
  ) return true
  const code = (error as { code?: unknown } | null)?.code
  return code === 14 || code === 4 || code === 1 || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE'
}

function unavailable(error: unknown, what: string): Error {
  if (
    error instanceof StoreUnavailableError ||
    error instanceof VersionConflictError ||
    error instanceof IdempotencyKeyTakenError ||
    error instanceof DuplicateEventError ||
    error instanceof TypeError
  ) return error
  const message = error instanceof Error ? error.message : String(error)
  return new StoreUnavailableError(`EventStoreDB ${what} failed: ${message}`, error)
}

/** Runs tasks one at a time per key, in call order. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>()
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>(resolve => (release = resolve))
    const tail = previous.then(() => mine)
    this.tails.set(key, tail)
    await previous
    try {
      return await task()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}

export async function openEsdbEventStore(connectionString: string, options: EsdbEventStoreOptions = {}): Promise<EsdbEventStore> {
  // KurrentDB is EventStoreDB renamed: client 6.2.1 knows only the esdb schemes.
  const url = connectionString.trim().replace(/^kurrentdb(\+discover)?:\/\//i, (_, discover: string | undefined) => `esdb${discover ?? ''}://`)
  const store = new EsdbStore(url, options)
  try {
    await store.ping()
    await store.syncIndex()
  } catch (error) {
    await store.close().catch(() => undefined)
    throw unavailable(error, 'open')
  }
  return store
}

class EsdbStore implements EsdbEventStore {
  readonly streamPrefix: string
  private readonly timeoutMs: number
  private readonly client: EventStoreDBClient
  private closed = false
  private closing: Promise<void> | null = null
  private readonly inflight = new Set<Promise<unknown>>()
  private readonly subscriptions = new Set<EsdbSubscription>()
  private readonly streamLocks = new KeyedLock()
  private readonly keyLocks = new KeyedLock()
  /** Our event ids → where they are stored (see "Duplicate event ids" above). */
  private readonly ids = new Map<string, { streamId: string; version: number }>()
  /** $all position up to which `ids` is complete (null: nothing read yet). */
  private indexCursor: bigint | null = null
  private indexRun: Promise<void> | null = null
  private indexQueued: Promise<void> | null = null

  constructor(connectionString: string, options: EsdbEventStoreOptions) {
    this.streamPrefix = options.streamPrefix ?? DEFAULT_STREAM_PREFIX
    if (typeof this.streamPrefix !== 'string' || this.streamPrefix.length === 0 || this.streamPrefix.startsWith('$')) {
      throw new TypeError('streamPrefix must be a non-empty string that does not start with $')
    }
    this.timeoutMs = options.timeoutMs ?? 5_000
    this.client = EventStoreDBClient.connectionString(connectionString)
  }

  // ------------------------------------------------------------------------------------------
  // Port

  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.track(async () => {
      const p = prepareAppend(streamId, events, options)
      if (streamId.startsWith('$')) throw new TypeError('streamId must not start with $ (reserved for EventStoreDB system streams and the adapter)')
      for (const e of p.events) {
        if (METADATA_KEY in e.event.metadata) throw new TypeError(`metadata key "${METADATA_KEY}" is reserved by the EventStoreDB adapter`)
      }
      const run = () => this.streamLocks.run(streamId, () => this.appendLocked(p))
      return p.idempotency ? this.keyLocks.run(p.idempotency.key, run) : run()
    })
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.track(async () => (await this.readDecoded(streamId, options)).map(d => d.stored))
  }

  streamVersion(streamId: string): Promise<number> {
    return this.track(async () => (await this.readTail(streamId))?.stored.version ?? 0)
  }

  readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    return this.track(async () => {
      const max = Math.max(0, Math.floor(limit))
      if (max === 0) return []
      const out: StoredEvent[] = []
      await this.scanAll(Math.max(0, Math.floor(after)), Math.max(64, Math.min(max * 2, ALL_PAGE)), d => {
        out.push(d.stored)
        return out.length < max
      })
      return out
    })
  }

  headPosition(): Promise<number> {
    return this.track(() => this.head())
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (!Number.isSafeInteger(options.after) || options.after < 0) throw new TypeError('subscribe: after must be a non-negative integer')
    if (typeof options.onEvent !== 'function') throw new TypeError('subscribe: onEvent is required')
    const sub = new EsdbSubscription(this, options, () => this.subscriptions.delete(sub))
    if (this.closed) sub.fail(new StoreUnavailableError('event store is closed'))
    else this.subscriptions.add(sub)
    return sub
  }

  findIdempotency(key: string): Promise<IdempotencyRecord | null> {
    return this.track(() => this.readPointer(key))
  }

  ping(): Promise<void> {
    return this.track(async () => {
      await this.collect('ping', Math.min(this.timeoutMs, 2_000), () => this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, ...LEADER }))
    })
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
  // Internals shared with subscriptions

  get esdb(): EventStoreDBClient {
    return this.client
  }

  /** Our event as stored, or null for system streams, other prefixes and adapter bookkeeping. */
  decode(resolved: { event?: RecordedLike; commitPosition?: bigint }): Decoded | null {
    const e = resolved.event
    if (!e || !e.streamId.startsWith(this.streamPrefix) || e.streamId.charAt(this.streamPrefix.length) === '$') return null
    const meta = isPlainObject(e.metadata) ? e.metadata : {}
    const { [METADATA_KEY]: glValue, ...metadata } = meta
    const gl: Partial<GlMetadata> = isPlainObject(glValue) ? (glValue as Partial<GlMetadata>) : {}
    const stored: StoredEvent = {
      id: typeof gl.id === 'string' ? gl.id : e.id,
      type: e.type,
      schemaVersion: typeof gl.schemaVersion === 'number' ? gl.schemaVersion : 1,
      data: isPlainObject(e.data) ? e.data : {},
      metadata,
      recordedAt: typeof gl.recordedAt === 'string' ? gl.recordedAt : e.created.toISOString(),
      streamId: e.streamId.slice(this.streamPrefix.length),
      version: Number(e.revision) + 1,
      position: positionOf(resolved, e),
      // An event written by another tool has no hash: verifyChain reports it.
      hash: typeof gl.hash === 'string' ? gl.hash : '',
      prevHash: typeof gl.prevHash === 'string' ? gl.prevHash : '',
    }
    return { stored, idempotency: gl.idempotency }
  }

  /** Position of our newest event (0 when there is none). */
  async head(): Promise<number> {
    let from: ReadPosition = END
    let below = Number.POSITIVE_INFINITY
    for (;;) {
      const page = await this.collect('read $all backwards', this.timeoutMs, () =>
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: ALL_PAGE, ...LEADER }),
      )
      for (const r of page) {
        const pos = r.event?.position ? positionNumber(r.event.position.commit) : Number.POSITIVE_INFINITY
        if (pos >= below) continue
        below = pos
        const d = this.decode(r)
        if (d) return d.stored.position
      }
      const last = page[page.length - 1]?.event?.position
      if (page.length < ALL_PAGE || !last) return 0
      from = last
    }
  }

  /**
   * Reads $all forwards from just after `after`, calling `take` for each of our events until it
   * returns false or the log ends. `after` need not be an event's position: a server refuses to
   * read from a position inside a log record, and then the scan starts from the nearest event at
   * or before it.
   */
  async scanAll(after: number, pageSize: number, take: (d: Decoded) => boolean): Promise<void> {
    let from: ReadPosition = after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) }
    let cursor = after
    let resolved = after === 0
    for (;;) {
      let page: AllStreamResolvedEvent[]
      try {
        page = await this.collect('read $all', this.timeoutMs, () => this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: pageSize, ...LEADER }))
      } catch (error) {
        if (resolved || isTransient(error)) throw error
        resolved = true
        from = await this.eventPositionAtOrBefore(after)
        continue
      }
      resolved = true
      for (const r of page) {
        if (!r.event?.position) continue
        const pos = positionNumber(r.event.position.commit)
        if (pos <= cursor) continue
        cursor = pos
        const d = this.decode(r)
        if (d && !take(d)) return
      }
      const last = page[page.length - 1]?.event?.position
      if (page.length < pageSize || !last) return
      from = last
    }
  }

  /** A readable $all position at or before `position`: the nearest event's, or the start. */
  async eventPositionAtOrBefore(position: number): Promise<ReadPosition> {
    let from: ReadPosition = END
    for (;;) {
      const page = await this.collect('read $all backwards', this.timeoutMs, () =>
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: ALL_PAGE, ...LEADER }),
      )
      for (const r of page) {
        if (r.event?.position && positionNumber(r.event.position.commit) <= position) return r.event.position
      }
      const last = page[page.length - 1]?.event?.position
      if (page.length < ALL_PAGE || !last) return START
      from = last
    }
  }

  /** Brings the event id index up to date with $all (coalesced: one read serves every waiter). */
  syncIndex(): Promise<void> {
    if (!this.indexRun) {
      this.indexRun = this.readIndex().finally(() => (this.indexRun = null))
      return this.indexRun
    }
    // A read is running that may have started before our caller's question: queue one more.
    this.indexQueued ??= this.indexRun.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      this.indexQueued = null
      return this.syncIndex()
    })
    return this.indexQueued
  }

  // ------------------------------------------------------------------------------------------
  // Append

  private async appendLocked(p: PreparedAppend): Promise<AppendResult> {
    const streamId = p.streamId
    const name = this.streamPrefix + streamId
    for (let attempt = 1; ; attempt++) {
      // Independent reads, in parallel: the key's pointer (first attempt) and the stream's tail.
      const [pointer, tail] = await Promise.all([p.idempotency && attempt === 1 ? this.readPointer(p.idempotency.key) : null, this.readTail(streamId)])
      if (pointer && p.idempotency) throw new IdempotencyKeyTakenError(p.idempotency.key)
      const conflicting = p.expectedVersion !== 'any' && p.expectedVersion !== (tail?.stored.version ?? 0)
      // A retry is only a duplicate if its ids are this stream's events. When the index has read
      // $all past this stream's last event it knows them all, and a conflict needs no index read
      // (contention stays cheap); otherwise bring the index up to date first.
      const covered = conflicting && tail !== null && this.indexCursor !== null && BigInt(tail.stored.position) <= this.indexCursor
      if (!covered) await this.syncIndex()
      const duplicate = await this.storedAlready(p)
      if (duplicate) {
        if (p.idempotency) await this.repairPointer(p.idempotency.key, duplicate)
        const last = duplicate[duplicate.length - 1].stored
        return { streamId, version: last.version, position: last.position, events: duplicate.map(d => d.stored), duplicate: true }
      }
      const version = tail?.stored.version ?? 0
      if (p.expectedVersion !== 'any' && p.expectedVersion !== version) throw new VersionConflictError(streamId, p.expectedVersion, version)
      if (p.events.length === 0) {
        if (p.idempotency) await this.writePointer(p.idempotency, streamId, [])
        return { streamId, version, position: tail?.stored.position ?? 0, events: [], duplicate: false }
      }

      let prevHash = tail ? tail.stored.hash : GENESIS_HASH
      const proposed: EventData[] = p.events.map(({ event, dataJson, metadataJson }, i) => {
        const hash = eventHashOfCanonical(prevHash, streamId, version + i + 1, event, dataJson, metadataJson)
        const gl: GlMetadata = { v: 1, schemaVersion: event.schemaVersion, recordedAt: event.recordedAt, hash, prevHash }
        const id = esdbEventId(event.id)
        if (id !== event.id) gl.id = event.id
        if (i === 0 && p.idempotency) gl.idempotency = { key: p.idempotency.key, fingerprint: p.idempotency.fingerprint, response: p.idempotency.response }
        prevHash = hash
        return jsonEvent({ id, type: event.type, data: event.data, metadata: { ...event.metadata, [METADATA_KEY]: gl } })
      })

      try {
        await this.appendRaw(name, proposed, version === 0 ? NO_STREAM : BigInt(version - 1))
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw unavailable(error, 'append')
        // Another writer (another process) got in between our read and our append.
        if (attempt < MAX_APPEND_ATTEMPTS) {
          if (p.expectedVersion === 'any') await sleep(Math.floor(Math.random() * 5 * attempt))
          continue
        }
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) + 1 : 0
        throw new VersionConflictError(streamId, p.expectedVersion, actual)
      }

      // Read the events back for their $all positions (the append answer has one position only).
      const written = await this.readDecoded(streamId, { fromVersion: version + 1, limit: p.events.length })
      if (written.length !== p.events.length || written.some((d, i) => d.stored.id !== p.events[i].event.id)) {
        throw new StoreUnavailableError(`EventStoreDB append to ${streamId}: the appended events could not be read back`)
      }
      for (const d of written) this.ids.set(d.stored.id, { streamId, version: d.stored.version })
      if (p.idempotency) await this.writePointer(p.idempotency, streamId, written.map(d => d.stored))
      const last = written[written.length - 1].stored
      return { streamId, version: last.version, position: last.position, events: written.map(d => d.stored), duplicate: false }
    }
  }

  /** The events of an append already stored (an idempotent retry), null when none is, or DuplicateEventError. */
  private async storedAlready(p: PreparedAppend): Promise<Decoded[] | null> {
    const hits = p.events.map(e => this.ids.get(e.event.id))
    const first = hits.findIndex(h => h !== undefined)
    if (first < 0) return null
    const start = hits[0]
    const whole = start !== undefined && hits.every((h, i) => h !== undefined && h.streamId === p.streamId && h.version === start.version + i)
    if (!whole) throw new DuplicateEventError(p.events[first].event.id)
    const stored = await this.readDecoded(p.streamId, { fromVersion: start.version, limit: p.events.length })
    if (stored.length !== p.events.length || stored.some((d, i) => d.stored.id !== p.events[i].event.id)) {
      throw new DuplicateEventError(p.events[first].event.id)
    }
    return stored
  }

  private async appendRaw(name: string, events: EventData[], expectedRevision: typeof NO_STREAM | bigint): Promise<void> {
    // The gRPC deadline covers the call; the race also covers the server-features call the
    // client makes first, which has no deadline of its own.
    await this.within('append', this.timeoutMs + 500, this.client.appendToStream(name, events, { expectedRevision, deadline: this.timeoutMs }))
  }

  // ------------------------------------------------------------------------------------------
  // Idempotency pointers

  private pointerStream(key: string): string {
    return `${this.streamPrefix}$idempotency-${createHash('sha256').update(key).digest('hex')}`
  }

  private async readPointer(key: string): Promise<IdempotencyRecord | null> {
    const name = this.pointerStream(key)
    const [found] = await this.collect('read idempotency key', this.timeoutMs, () => this.client.readStream(name, { direction: FORWARDS, fromRevision: START, maxCount: 1, ...LEADER }))
    const data = found?.event?.data
    if (!isPlainObject(data) || data.key !== key) return null
    return { key, fingerprint: String(data.fingerprint), response: data.response === undefined ? null : data.response }
  }

  private async writePointer(record: IdempotencyRecord, streamId: string, events: StoredEvent[]): Promise<void> {
    const first = events[0]
    const pointer = jsonEvent({
      // Deterministic for one append, so a retried pointer append is EventStoreDB-idempotent.
      id: uuidFrom('gridledger-idempotency', record.key, first?.id ?? randomUUID()),
      type: POINTER_EVENT_TYPE,
      data: {
        key: record.key,
        fingerprint: record.fingerprint,
        response: record.response,
        streamId,
        version: events[events.length - 1]?.version ?? null,
        position: events[events.length - 1]?.position ?? null,
        eventIds: events.map(e => e.id),
      },
    })
    try {
      await this.appendRaw(this.pointerStream(record.key), [pointer], NO_STREAM)
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new IdempotencyKeyTakenError(record.key)
      throw unavailable(error, 'append idempotency key')
    }
  }

  /** A retried append whose pointer is missing (crash window): write it from the stored record. */
  private async repairPointer(key: string, stored: Decoded[]): Promise<void> {
    const record = stored[0].idempotency
    if (!record || record.key !== key) return
    try {
      await this.writePointer(record, stored[0].stored.streamId, stored.map(d => d.stored))
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError)) throw error
    }
  }

  // ------------------------------------------------------------------------------------------
  // Reads

  private async readDecoded(streamId: string, options: ReadStreamOptions): Promise<Decoded[]> {
    if (streamId.startsWith('$')) return []
    const from = Math.max(1, Math.floor(options.fromVersion ?? 1))
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER
    const count = Math.min(to - from + 1, options.limit ?? Number.MAX_SAFE_INTEGER)
    if (!(count > 0)) return []
    const name = this.streamPrefix + streamId
    const read = await this.collect('read stream', this.timeoutMs, () =>
      this.client.readStream(name, { direction: FORWARDS, fromRevision: BigInt(from - 1), maxCount: Math.floor(count), ...LEADER }),
    )
    return read.map(r => this.decode(r)).filter((d): d is Decoded => d !== null)
  }

  private async readTail(streamId: string): Promise<Decoded | null> {
    if (streamId.startsWith('$')) return null
    const name = this.streamPrefix + streamId
    const [last] = await this.collect('read stream', this.timeoutMs, () => this.client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 1, ...LEADER }))
    return last ? this.decode(last) : null
  }

  private async readIndex(): Promise<void> {
    let from: ReadPosition = this.indexCursor === null ? START : { commit: this.indexCursor, prepare: this.indexCursor }
    for (;;) {
      const page = await this.collect('read $all', this.timeoutMs, () => this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: ALL_PAGE, ...LEADER }))
      for (const r of page) {
        const pos = r.event?.position?.commit
        if (pos === undefined || (this.indexCursor !== null && pos <= this.indexCursor)) continue
        this.indexCursor = pos
        const d = this.decode(r)
        if (d) this.ids.set(d.stored.id, { streamId: d.stored.streamId, version: d.stored.version })
      }
      const last = page[page.length - 1]?.event?.position
      if (page.length < ALL_PAGE || !last) return
      from = last
    }
  }

  /**
   * Collects a streaming read. The client gives reads no gRPC deadline, so this one times out
   * when no message arrives for `ms` and cancels the call. A missing stream reads as [].
   */
  collect<E>(what: string, ms: number, open: () => StreamingRead<E>): Promise<E[]> {
    return new Promise<E[]>((resolve, reject) => {
      const out: E[] = []
      let settled = false
      let timer: NodeJS.Timeout | undefined
      let stream: StreamingRead<E>
      const finish = (error?: unknown) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error === undefined) resolve(out)
        else reject(error)
      }
      const arm = () => {
        clearTimeout(timer)
        timer = setTimeout(() => {
          finish(new StoreUnavailableError(`EventStoreDB ${what}: no answer within ${ms} ms`))
          stream?.cancel().catch(() => undefined)
        }, ms)
      }
      arm()
      try {
        stream = open()
      } catch (error) {
        finish(unavailable(error, what))
        return
      }
      stream.on('data', (e: E) => {
        out.push(e)
        arm()
      })
      stream.on('end', () => finish())
      stream.on('close', () => finish())
      stream.on('error', (error: unknown) => (error instanceof StreamNotFoundError ? finish() : finish(unavailable(error, what))))
    })
  }

  /** Awaits `promise` for at most `ms`. */
  async within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`EventStoreDB ${what}: no answer within ${ms} ms`)), ms)
    })
    promise.catch(() => undefined) // a late failure after the timeout is not unhandled
    try {
      return await Promise.race([promise, timeout])
    } finally {
      clearTimeout(timer)
    }
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
class EsdbSubscription implements Subscription {
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

  constructor(private readonly store: EsdbStore, private readonly options: SubscribeOptions, private readonly forget: () => void) {
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
          this.target = await this.store.head()
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
            this.startOverride = await this.store.eventPositionAtOrBefore(this.last)
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
    const sub = this.store.esdb.subscribeToAll({ fromPosition: from, filter: streamNameFilter({ prefixes: [this.store.streamPrefix] }) })
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
          const d = this.store.decode(item)
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
