// The SQLite adapter (better-sqlite3): one file holds the events, the idempotency records and,
// through `db`, the projections' read models and checkpoints.
//
// Durability: an append is acknowledged only once its COMMIT is on disk. Appends are written in
// group commits (sqlite/groupCommit.ts); an append that writes more than one row does so inside
// its own savepoint, so one append's conflict does not abort its neighbours. A failed
// BEGIN/COMMIT (disk full, read-only, I/O error, busy…) rejects every append of the batch with
// StoreUnavailableError; nothing of the batch is stored, and the next batch tries afresh.
//
// How the commit reaches the disk depends on the durability mode (sqlite/connection.ts): with
// 'wal-fsync', the default for a file, the store fdatasyncs the WAL off the event loop
// (sqlite/walSync.ts), and appends are settled, subscribers woken and reads answered only once
// what they saw is synced, so nothing is acknowledged or shown before it is durable; with
// 'commit' the sync happens inside COMMIT, on the thread.
//
// The rest lives beside it: schema and migrations (sqlite/schema.ts), prepared statements and
// row conversion (sqlite/statements.ts), the stream-head cache (sqlite/headCache.ts).
import type Database from 'better-sqlite3'
import { fdatasync } from 'node:fs'
import { DuplicateEventError, idempotencyPruneCutoff, IdempotencyKeyTakenError, StoreUnavailableError, VersionConflictError } from './eventStore.js'
import type { AppendOptions, AppendResult, EventStore, IdempotencyRecord, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, SubscribeOptions, Subscription } from './eventStore.js'
import { eventHashOfCanonical, GENESIS_HASH } from './hashChain.js'
import { startCatchUpSubscription, SubscriberHub } from './catchUpSubscription.js'
import { isRetry, prepareAppend, type PreparedAppend } from './prepareAppend.js'
import type { StoreObserver } from './storeObserver.js'
import { describe, DURABILITY_MODES, isInMemory, openConnection, sqliteCode, type Durability } from './sqlite/connection.js'
import { AppendQueue, highestWritten, settleBatch, writtenEvents, type Outcome, type Pending } from './sqlite/groupCommit.js'
import { HeadCache } from './sqlite/headCache.js'
import { prepareStatements, tupleToStored, type EventTuple, type Statements } from './sqlite/statements.js'
import { WalSync, type SyncFile } from './sqlite/walSync.js'

export { MIGRATIONS, type EventRow, type Migration } from './sqlite/schema.js'
export { DURABILITY_MODES, type Durability } from './sqlite/connection.js'

export interface SqliteEventStoreOptions {
  /** How long a write waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number
  /**
   * 'wal-fsync' (default for a file): synchronous=NORMAL and the WAL fdatasynced off the event
   * loop before acknowledging; 'commit': synchronous=FULL, the sync inside COMMIT;
   * 'unsafe-no-sync-for-tests': no sync at all (see DURABILITY_MODES). An in-memory database has
   * nothing to sync and always uses 'commit'.
   */
  durability?: Durability
  /** Most appends written in one transaction (default 32); the rest go in the next, which can commit while this one syncs. */
  maxBatch?: number
  /**
   * WAL pages after which a commit checkpoints (default 4000, about 16 MB; SQLite's own default
   * is 1000). A checkpoint copies pages into the database file and syncs it, on the committing
   * thread: fewer, larger checkpoints copy a page changed by many commits once.
   */
  checkpointPages?: number
  /** The fdatasync of 'wal-fsync' (tests inject failures here). */
  syncFile?: SyncFile
  /** Told of each group commit and each sync of the WAL (metrics). */
  observer?: StoreObserver
}

/**
 * Most appends written in one transaction by default. Smaller batches let one commit's sync
 * overlap the next batch's work; larger ones pay fewer syncs (bench/appends.ts, BENCHMARKS.md).
 */
const DEFAULT_MAX_BATCH = 32

/** See SqliteEventStoreOptions.checkpointPages. */
const DEFAULT_CHECKPOINT_PAGES = 4000

/** An INSERT met an event id already stored: the append is a retry, or reuses an id. */
class EventIdTaken extends Error {}

/** SQLite errors that are about one append's content rather than the store's health. */
const CONTENT_ERROR_CODES = ['SQLITE_CONSTRAINT', 'SQLITE_TOOBIG', 'SQLITE_MISMATCH', 'SQLITE_RANGE']

export class SqliteEventStore implements EventStore {
  /** Counters for tests and metrics: `commits` counts successful write transactions (group commits). */
  readonly stats = { commits: 0, appends: 0, failedCommits: 0, largestBatch: 0 }
  readonly path: string
  private readonly database: Database.Database
  private readonly hub = new SubscriberHub()
  private readonly queue: AppendQueue
  private closed = false
  private closing: Promise<void> | null = null
  /** Notices commits by other processes on the same file (the CLI beside a running server). */
  private watcher: NodeJS.Timeout | null = null
  private dataVersion = 0
  private readonly heads = new HeadCache()
  private readonly stmt: Statements
  /** Set when the store syncs the WAL itself ('wal-fsync'); null when COMMIT syncs. */
  private readonly wal: WalSync | null
  private readonly appendInSavepoint: (p: PreparedAppend) => AppendResult
  private readonly writeBatch: (batch: Pending[], outcomes: Outcome[]) => void
  private readonly observer: StoreObserver | undefined

  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    this.path = path
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError('busyTimeoutMs must be a non-negative integer')
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new TypeError('maxBatch must be a positive integer')
    const checkpointPages = options.checkpointPages ?? DEFAULT_CHECKPOINT_PAGES
    if (!Number.isSafeInteger(checkpointPages) || checkpointPages < 1) throw new TypeError('checkpointPages must be a positive integer')
    const asked = options.durability ?? 'wal-fsync'
    // A file: URI names its file indirectly; its WAL is not looked for, so it syncs in COMMIT.
    const durability: Durability = isInMemory(path) || (asked === 'wal-fsync' && path.startsWith('file:')) ? 'commit' : asked
    if (!Object.hasOwn(DURABILITY_MODES, durability)) throw new TypeError(`durability must be one of ${Object.keys(DURABILITY_MODES).join(', ')}`)
    const db = openConnection(path, { busyTimeoutMs, durability, checkpointPages })
    this.database = db
    this.stmt = prepareStatements(db)
    this.observer = options.observer
    this.wal = DURABILITY_MODES[durability].storeSyncsWal ? new WalSync(`${path}-wal`, options.syncFile ?? fdatasync, describe, options.observer) : null
    if (this.wal) {
      try {
        this.wal.syncAtOpen(() => this.stmt.headPosition.get()?.head ?? 0)
      } catch (error) {
        db.close()
        throw new StoreUnavailableError(`cannot open SQLite event store at ${path}: syncing its WAL failed: ${describe(error)}`, error)
      }
    }
    this.queue = new AppendQueue(maxBatch, batch => this.commitBatch(batch))
    this.appendInSavepoint = db.transaction((p: PreparedAppend) => this.appendOne(p))
    this.writeBatch = db.transaction((batch: Pending[], outcomes: Outcome[]) => {
      this.heads.beginBatch(this.stmt.dataVersion.get() as number)
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i].prepared
        try {
          // appendOne checks everything before it writes; with one event and no idempotency
          // record its only write is one INSERT, which lands whole or not at all, so the
          // savepoint (a large part of a small append's cost) guards nothing there.
          const single = p.events.length === 1 && !p.idempotency
          const result = single ? this.appendOne(p) : this.appendInSavepoint(p)
          if (!result.duplicate && result.events.length > 0) {
            this.heads.wrote(p.streamId, { version: result.version, hash: result.events[result.events.length - 1].hash, position: result.position })
          }
          outcomes[i] = { ok: true, result }
        } catch (error) {
          // The savepoint was rolled back. A store fault (disk full, I/O…) fails the whole batch.
          if (this.isStoreFault(error)) throw error
          outcomes[i] = error instanceof EventIdTaken ? this.duplicateOutcome(p) : { ok: false, error }
        }
      }
    }).immediate
  }

  /** The better-sqlite3 handle: projections keep their tables and checkpoints in the same file. */
  get db(): Database.Database {
    return this.database
  }

  /**
   * Runs fn in one immediate transaction on the store's connection (nested calls use savepoints).
   * For derived data: with 'wal-fsync' its commit is synced by the next append's fdatasync or
   * the next checkpoint, not before it returns.
   */
  transaction<T>(fn: () => T): T {
    return this.database.transaction(fn).immediate()
  }

  private isStoreFault(error: unknown): boolean {
    if (!this.database.open) return true
    const code = sqliteCode(error)
    return code !== undefined && !CONTENT_ERROR_CODES.some(c => code.startsWith(c))
  }

  /**
   * One append, run inside its savepoint: checks, then writes events (hash chained from the
   * stream head) and the idempotency record. Event ids are looked up only when something fails
   * (a version conflict or a taken id), as a retry of a stored append is the rare case.
   */
  private appendOne(p: PreparedAppend): AppendResult {
    const { stmt } = this
    if (p.idempotency && stmt.idempotencyGet.get(p.idempotency.key)) throw new IdempotencyKeyTakenError(p.idempotency.key)
    const head = this.heads.headOf(p.streamId, streamId => stmt.streamHead.get(streamId))
    const actual = head?.version ?? 0
    if (p.expectedVersion !== 'any' && p.expectedVersion !== actual) {
      const duplicate = this.duplicateOf(p)
      if (duplicate) return duplicate
      throw new VersionConflictError(p.streamId, p.expectedVersion, actual)
    }
    let prevHash = head?.hash ?? GENESIS_HASH
    let version = actual
    let position = head?.position ?? 0
    const events: StoredEvent[] = []
    for (const { event, dataJson, metadataJson } of p.events) {
      version++
      const hash = eventHashOfCanonical(prevHash, p.streamId, version, event, dataJson, metadataJson)
      try {
        position = Number(stmt.insertEvent.run(p.streamId, version, event.id, event.type, event.schemaVersion, dataJson, metadataJson, event.recordedAt, hash, prevHash).lastInsertRowid)
      } catch (error) {
        if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && (error as Error).message.includes('events.event_id')) throw new EventIdTaken(event.id)
        throw error
      }
      events.push({ ...event, streamId: p.streamId, version, position, hash, prevHash })
      prevHash = hash
    }
    if (p.idempotency) {
      const { key, fingerprint, responseJson } = p.idempotency
      stmt.idempotencyInsert.run(key, fingerprint, responseJson, p.streamId, new Date().toISOString())
    }
    return { streamId: p.streamId, version, position, events, duplicate: false }
  }

  /**
   * When some of the append's event ids are stored already: the earlier result if all of them
   * are, in this stream and in order (a retry); DuplicateEventError if only some are, or
   * elsewhere. Null when none is.
   */
  private duplicateOf(p: PreparedAppend): AppendResult | null {
    const found = p.events.map(e => this.stmt.eventById.get(e.event.id) as EventTuple | undefined)
    if (!isRetry(p, found.map(r => r && { streamId: r[1], version: r[2] }))) return null
    const events = (found as EventTuple[]).map(tupleToStored)
    const last = events[events.length - 1]
    return { streamId: p.streamId, version: last.version, position: last.position, events, duplicate: true }
  }

  /** The outcome of an append whose INSERT met a stored event id (its savepoint rolled back). */
  private duplicateOutcome(p: PreparedAppend): Outcome {
    try {
      const duplicate = this.duplicateOf(p)
      return duplicate ? { ok: true, result: duplicate } : { ok: false, error: new DuplicateEventError(p.events[0].event.id) }
    } catch (error) {
      if (this.isStoreFault(error)) throw error
      return { ok: false, error }
    }
  }

  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('event store is closed'))
    if (this.wal?.syncFailure) return Promise.reject(this.wal.syncFailure)
    let prepared: PreparedAppend
    try {
      prepared = prepareAppend(streamId, events, options)
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<AppendResult>((resolve, reject) => this.queue.push({ prepared, resolve, reject }))
  }

  /** Writes one batch in one transaction; settles each caller once the COMMIT is on disk. */
  private commitBatch(batch: Pending[]): void {
    const outcomes: Outcome[] = new Array(batch.length)
    const syncFailure = this.wal?.syncFailure ?? null
    try {
      if (syncFailure) throw syncFailure
      if (!this.database.open) throw new Error('database connection is closed')
      if (this.database.inTransaction) throw new Error('the connection is inside another transaction; appends must not run inside store.transaction()')
      this.writeBatch(batch, outcomes)
    } catch (error) {
      // BEGIN, a savepoint's write, or COMMIT failed: the transaction was rolled back, nothing is stored.
      this.stats.failedCommits++
      this.heads.dropAll()
      for (const p of batch) p.reject(error === syncFailure ? error : new StoreUnavailableError(`event store could not commit: ${describe(error)}`, error))
      return
    }
    this.heads.commitBatch()
    this.stats.commits++
    this.stats.appends += batch.length
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length)
    if (this.observer?.batchCommitted) this.observer.batchCommitted(batch.length, outcomes.reduce((n, o) => n + (o.ok && !o.result.duplicate ? o.result.events.length : 0), 0))
    // Subscribers are handed the batch's events (durable by then) instead of reading them back.
    const settle = () => settleBatch(batch, outcomes, () => this.hub.notify(writtenEvents(outcomes)))
    if (!this.wal) return settle()
    this.wal.committedBatch(highestWritten(outcomes), settle, error => batch.forEach(p => p.reject(error)))
  }

  /**
   * Runs a read now and answers once everything it saw is on disk: at once when nothing is
   * waiting for a sync, or when `durableAlready` says the value shows nothing unsynced (events
   * at or below the durable position, a record not found); else after the next sync.
   */
  private read<T>(fn: () => T, durableAlready: (value: T) => boolean = () => false): Promise<T> {
    if (!this.database.open) return Promise.reject(new StoreUnavailableError('event store is closed'))
    let value: T
    try {
      value = fn()
    } catch (error) {
      if (this.isStoreFault(error)) return Promise.reject(new StoreUnavailableError(`event store read failed: ${describe(error)}`, error))
      return Promise.reject(error)
    }
    const wal = this.wal
    return !wal || wal.allSynced || durableAlready(value) ? Promise.resolve(value) : wal.whenDurable().then(() => value)
  }

  /** Events read in position order are durable when the last one is. */
  private readonly eventsDurable = (events: StoredEvent[]): boolean => events.length === 0 || events[events.length - 1].position <= (this.wal?.durable ?? 0)

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const from = options.fromVersion ?? 1
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER
    const limit = options.limit ?? -1
    const rows = () => (limit < 0 ? this.stmt.readStreamToEnd.all(streamId, from, to) : this.stmt.readStream.all(streamId, from, to, limit)) as unknown as EventTuple[]
    return this.read(() => rows().map(tupleToStored), this.eventsDurable)
  }

  streamVersion(streamId: string): Promise<number> {
    return this.read(() => this.stmt.streamHead.get(streamId)?.version ?? 0)
  }

  readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    if (!Number.isFinite(after) || !Number.isFinite(limit)) return Promise.reject(new TypeError('readAll: after and limit must be numbers'))
    return this.read(() => (this.stmt.readAll.all(Math.floor(after), Math.max(0, Math.floor(limit))) as unknown as EventTuple[]).map(tupleToStored), this.eventsDurable)
  }

  headPosition(): Promise<number> {
    return this.read(() => this.stmt.headPosition.get()?.head ?? 0, head => head <= (this.wal?.durable ?? 0))
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.watchOtherWriters()
    return startCatchUpSubscription(this, this.hub, options)
  }

  /**
   * Our own commits wake subscribers at once; another process's commits (e.g. `gridledger token
   * create` while the server runs) are noticed through PRAGMA data_version, which changes for
   * this connection whenever another connection commits. A cheap read, twice a second.
   */
  private watchOtherWriters(): void {
    if (this.watcher) return
    this.dataVersion = Number(this.database.pragma('data_version', { simple: true }))
    this.watcher = setInterval(() => this.checkOtherWriters(), 500)
    this.watcher.unref()
  }

  /** Wakes subscribers when another connection has committed since the last check. */
  checkOtherWriters(): void {
    if (this.closed || !this.database.open) return
    try {
      const version = Number(this.database.pragma('data_version', { simple: true }))
      if (version !== this.dataVersion) {
        this.dataVersion = version
        this.hub.notify()
      }
    } catch {
      // A fault here is met again, and reported, by the next real read or append.
    }
  }

  findIdempotency(key: string): Promise<IdempotencyRecord | null> {
    return this.read(() => {
      const row = this.stmt.idempotencyGet.get(key)
      return row ? { key: row.key, fingerprint: row.fingerprint, response: JSON.parse(row.response) as unknown } : null
    }, record => record === null)
  }

  idempotencyRecordCount(): Promise<number> {
    return this.read(() => this.database.prepare('SELECT COUNT(*) FROM idempotency').pluck().get() as number, () => true)
  }

  /**
   * Deletes idempotency records created before `olderThan`, but never one younger than 24 hours
   * (the cut-off is clamped). Returns how many were deleted.
   */
  async pruneIdempotency(olderThan: Date, now: Date = new Date()): Promise<number> {
    const cutoff = new Date(idempotencyPruneCutoff(olderThan, now)).toISOString()
    return this.stmt.idempotencyPrune.run(cutoff).changes
  }

  async ping(): Promise<void> {
    await this.read(() => {
      if (this.stmt.ping.get()?.ok !== 1) throw new StoreUnavailableError('event store did not answer')
    }, () => true)
  }

  /** Writes what is queued, stops the subscriptions, closes the database. Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true
      if (this.watcher) clearInterval(this.watcher)
      this.closing = (async () => {
        this.queue.drain()
        await this.wal?.whenDurable().catch(() => undefined)
        await this.hub.closeAll()
        if (this.database.open) this.database.close()
        this.wal?.close()
      })()
    }
    return this.closing
  }
}

/** Opens (creating if needed) a SQLite event store; `:memory:` gives a private in-memory database. */
export function openSqliteEventStore(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
  return new SqliteEventStore(path, options)
}
