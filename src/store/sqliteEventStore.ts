// The SQLite adapter (better-sqlite3): one file holds the events, the idempotency records and,
// through `db`, the projections' read models and checkpoints.
//
// Durability: an append is acknowledged only once its COMMIT is on disk. Group commit: appends
// arriving while a flush is pending are queued and written together in ONE transaction (flushed
// on setImmediate); an append that writes more than one row does so inside its own savepoint, so
// one append's conflict does not abort its neighbours. A failed BEGIN/COMMIT (disk full, read-only, I/O error, busy…) rejects every
// append of the batch with StoreUnavailableError; nothing of the batch is stored, and the next
// batch tries afresh.
//
// How the commit reaches the disk ('wal-fsync', the default for a file): the connection runs
// WAL with synchronous=NORMAL, so COMMIT writes the WAL without syncing it, and the store then
// fdatasyncs the WAL file on libuv's thread pool. That is the sync synchronous=FULL would make
// inside COMMIT (SQLite: "FULL: the WAL file is synchronized after each transaction is
// committed"), moved off the event loop, so requests are served while the disk works and the
// next batch can commit while the previous one syncs; one fdatasync covers every commit made
// before it started. Appends are settled, subscribers woken and reads answered only once what
// they saw is synced, so nothing is acknowledged or shown before it is durable. A failed
// fdatasync is not retried (after one, the kernel may have dropped the dirty pages): the store
// refuses further appends until it is reopened. 'commit' keeps synchronous=FULL on the thread.
import Database from 'better-sqlite3'
import { closeSync, existsSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import {
  CorruptEventError,
  DuplicateEventError,
  IDEMPOTENCY_MIN_RETENTION_MS,
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
import { startCatchUpSubscription, SubscriberHub } from './catchUpSubscription.js'
import { prepareAppend, type PreparedAppend } from './prepareAppend.js'
import type { StoreObserver } from './storeObserver.js'

export interface SqliteEventStoreOptions {
  /** How long a write waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number
  /**
   * 'wal-fsync' (default for a file): synchronous=NORMAL and the WAL fdatasynced off the event
   * loop before acknowledging; 'commit': synchronous=FULL, the sync inside COMMIT. An in-memory
   * database has nothing to sync and always uses 'commit'.
   * 'unsafe-no-sync-for-tests': synchronous=OFF and no fdatasync, so acknowledged appends live
   * in the page cache only. UNSAFE: loses acknowledged events on a power cut; it exists only so
   * the power-loss tests can show that their fault layer catches a missing sync. Never
   * reachable from configuration.
   */
  durability?: 'wal-fsync' | 'commit' | 'unsafe-no-sync-for-tests'
  /** Most appends written in one transaction (default 32); the rest go in the next, which can commit while this one syncs. */
  maxBatch?: number
  /**
   * WAL pages after which a commit checkpoints (default 4000, about 16 MB; SQLite's own default
   * is 1000). A checkpoint copies pages into the database file and syncs it, on the committing
   * thread: fewer, larger checkpoints copy a page changed by many commits once. In the append
   * benchmark's profile, checkpoints at 1000 pages were most of COMMIT's time.
   */
  checkpointPages?: number
  /** The fdatasync of 'wal-fsync' (tests inject failures here). */
  syncFile?(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void
  /** Told of each group commit and each sync of the WAL (metrics). */
  observer?: StoreObserver
}

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Ordered schema migrations; each is applied once, in a transaction, when a store is opened. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE TABLE events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        hash TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        UNIQUE (stream_id, version)
      );
    `,
  },
  {
    version: 2,
    name: 'idempotency',
    sql: `
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        response TEXT NOT NULL,
        stream_id TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX idempotency_created_at ON idempotency (created_at);
    `,
  },
]


/**
 * Most appends written in one transaction by default. Smaller batches let one commit's sync
 * overlap the next batch's work (64 closed-loop writers split into two alternating groups);
 * larger ones pay fewer syncs. Measured with bench/appends.ts (see BENCHMARKS.md).
 */
const DEFAULT_MAX_BATCH = 32

/** See SqliteEventStoreOptions.checkpointPages. */
const DEFAULT_CHECKPOINT_PAGES = 4000

/** A row of the events table as SQLite returns it to a plain SELECT * (as tests and tools read it; the store reads EventTuples). */
export interface EventRow {
  position: number
  stream_id: string
  version: number
  event_id: string
  type: string
  schema_version: number
  data: string
  metadata: string
  recorded_at: string
  hash: string
  prev_hash: string
}

/** A stream's last event: what the next append chains from. */
interface Head {
  version: number
  hash: string
  position: number
}

/** Stream heads kept between batches; past this many the map is dropped and refilled from reads. */
const MAX_CACHED_HEADS = 100_000

/** An INSERT met an event id already stored: the append is a retry, or reuses an id. */
class EventIdTaken extends Error {}

interface Pending {
  prepared: PreparedAppend
  resolve(result: AppendResult): void
  reject(error: unknown): void
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown }

/** The events columns in the order EventTuple holds them. */
const EVENT_COLUMNS = 'position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at, hash, prev_hash'
type EventTuple = [number, string, number, string, string, number, string, string, string, string, string]

/**
 * Reads return rows as arrays (better-sqlite3's raw mode): building an object per row with
 * every column named cost as much again as the query itself in the rebuild profile.
 */
function tupleToStored(t: EventTuple): StoredEvent {
  const [position, streamId, version, id, type, schemaVersion, data, metadata, recordedAt, hash, prevHash] = t
  return {
    id,
    type,
    schemaVersion,
    data: parsePayload(data, 'data', streamId, version, position),
    metadata: parsePayload(metadata, 'metadata', streamId, version, position),
    recordedAt,
    streamId,
    version,
    position,
    hash,
    prevHash,
  }
}

function parsePayload(text: string, column: 'data' | 'metadata', streamId: string, version: number, position: number): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new CorruptEventError(streamId, version, position, `its ${column} is not valid JSON (${(error as Error).message})`)
  }
}

/** SQLite errors that are about one append's content rather than the store's health. */
const CONTENT_ERROR_CODES = ['SQLITE_CONSTRAINT', 'SQLITE_TOOBIG', 'SQLITE_MISMATCH', 'SQLITE_RANGE']

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined
}

function describe(error: unknown): string {
  const code = sqliteCode(error)
  const message = error instanceof Error ? error.message : String(error)
  return code ? `${code}: ${message}` : message
}

export class SqliteEventStore implements EventStore {
  /** Counters for tests and metrics: `commits` counts successful write transactions (group commits). */
  readonly stats = { commits: 0, appends: 0, failedCommits: 0, largestBatch: 0 }
  readonly path: string
  private readonly database: Database.Database
  private readonly hub = new SubscriberHub()
  private queue: Pending[] = []
  private flushTimer: NodeJS.Immediate | null = null
  private closed = false
  private closing: Promise<void> | null = null
  /** Notices commits by other processes on the same file (the CLI beside a running server). */
  private watcher: NodeJS.Timeout | null = null
  private dataVersion = 0
  /**
   * Committed stream heads, so an append need not query its stream's last event. Valid while no
   * other connection writes: each batch checks PRAGMA data_version (which moves only for other
   * connections' commits) inside its write transaction and drops the map when it moved.
   */
  private readonly heads = new Map<string, Head>()
  private headsDataVersion: number | null = null
  /** Heads written by the batch in progress; merged into `heads` once it commits. */
  private readonly batchHeads = new Map<string, Head>()
  private readonly stmt: ReturnType<SqliteEventStore['prepareStatements']>
  private readonly maxBatch: number
  /** 'wal-fsync' mode: commits are synced by fdatasync of the WAL, off the event loop. */
  private readonly walSync: boolean
  private readonly syncFile: NonNullable<SqliteEventStoreOptions['syncFile']>
  private walFd: number | null = null
  /** Commits made, and how many of them are known to be on disk. */
  private committed = 0
  private synced = 0
  /** Highest event position committed, and highest known to be on disk (every lower one is too). */
  private committedPosition = 0
  private durablePosition = 0
  private syncing = false
  private syncFailure: StoreUnavailableError | null = null
  /** Batches committed but not yet synced, in commit order, with how to settle them. */
  private unsynced: Array<{ commit: number; position: number; settle(): void; fail(error: unknown): void }> = []
  /** Readers waiting for a commit they saw to be synced. */
  private durableWaiters: Array<{ commit: number; resolve(): void; reject(error: unknown): void }> = []
  private readonly appendInSavepoint: (p: PreparedAppend) => AppendResult
  private readonly writeBatch: (batch: Pending[], outcomes: Outcome[]) => void
  private readonly observer: StoreObserver | undefined

  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    this.path = path
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new TypeError('busyTimeoutMs must be a non-negative integer')
    const inMemory = path === ':memory:' || path === ''
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new TypeError('maxBatch must be a positive integer')
    this.maxBatch = maxBatch
    const checkpointPages = options.checkpointPages ?? DEFAULT_CHECKPOINT_PAGES
    if (!Number.isSafeInteger(checkpointPages) || checkpointPages < 1) throw new TypeError('checkpointPages must be a positive integer')
    // A file: URI names its file indirectly; its WAL is not looked for, so it syncs in COMMIT.
    this.walSync = !inMemory && !path.startsWith('file:') && (options.durability ?? 'wal-fsync') === 'wal-fsync'
    this.syncFile = options.syncFile ?? fdatasync
    this.observer = options.observer
    let db: Database.Database
    try {
      if (!inMemory && !path.startsWith('file:')) mkdirSync(dirname(resolve(path)), { recursive: true })
      db = new Database(path, { timeout: busyTimeoutMs })
    } catch (error) {
      throw new StoreUnavailableError(`cannot open SQLite event store at ${path}: ${describe(error)}`, error)
    }
    try {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`)
      if (!inMemory) {
        const mode = db.pragma('journal_mode = WAL', { simple: true })
        if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch to WAL journal (got ${String(mode)})`)
      }
      const unsafeNoSync = options.durability === 'unsafe-no-sync-for-tests' && !inMemory
      db.pragma(unsafeNoSync ? 'synchronous = OFF' : this.walSync ? 'synchronous = NORMAL' : 'synchronous = FULL')
      db.pragma('foreign_keys = ON')
      if (!inMemory) {
        db.pragma(`wal_autocheckpoint = ${checkpointPages}`)
        // The WAL file keeps its largest size after a checkpoint unless told otherwise.
        db.pragma(`journal_size_limit = ${checkpointPages * 4096 * 2}`)
      }
      migrate(db)
    } catch (error) {
      db.close()
      if (error instanceof Database.SqliteError) throw new StoreUnavailableError(`cannot open SQLite event store at ${path}: ${describe(error)}`, error)
      throw error
    }
    this.database = db
    this.stmt = this.prepareStatements()
    if (this.walSync) {
      try {
        this.syncAtOpen()
      } catch (error) {
        db.close()
        throw new StoreUnavailableError(`cannot open SQLite event store at ${path}: syncing its WAL failed: ${describe(error)}`, error)
      }
    }
    this.appendInSavepoint = db.transaction((p: PreparedAppend) => this.appendOne(p))
    this.writeBatch = db.transaction((batch: Pending[], outcomes: Outcome[]) => {
      this.batchHeads.clear()
      const dataVersion = this.stmt.dataVersion.get() as number
      if (dataVersion !== this.headsDataVersion || this.heads.size > MAX_CACHED_HEADS) {
        this.heads.clear()
        this.headsDataVersion = dataVersion
      }
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i].prepared
        try {
          // appendOne checks everything before it writes; with one event and no idempotency
          // record its only write is one INSERT, which lands whole or not at all, so the
          // savepoint (a third of the append cost in the profile) guards nothing there.
          const single = p.events.length === 1 && !p.idempotency
          const result = single ? this.appendOne(p) : this.appendInSavepoint(p)
          if (!result.duplicate && result.events.length > 0) {
            this.batchHeads.set(p.streamId, { version: result.version, hash: result.events[result.events.length - 1].hash, position: result.position })
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

  private prepareStatements() {
    const db = this.database
    return {
      insertEvent: db.prepare<[string, number, string, string, number, string, string, string, string, string]>(
        `INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at, hash, prev_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      streamHead: db.prepare<[string], { version: number; hash: string; position: number }>(
        `SELECT version, hash, position FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1`,
      ),
      eventById: db.prepare<[string], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ?`).raw(true),
      readStream: db
        .prepare<[string, number, number, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? AND version <= ? ORDER BY version LIMIT ?`)
        .raw(true),
      readAll: db.prepare<[number, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true),
      headPosition: db.prepare<[], { head: number }>(`SELECT COALESCE(MAX(position), 0) AS head FROM events`),
      idempotencyGet: db.prepare<[string], { key: string; fingerprint: string; response: string }>(
        `SELECT key, fingerprint, response FROM idempotency WHERE key = ?`,
      ),
      idempotencyInsert: db.prepare<[string, string, string, string, string]>(
        `INSERT INTO idempotency (key, fingerprint, response, stream_id, created_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      idempotencyPrune: db.prepare<[string]>(`DELETE FROM idempotency WHERE created_at < ?`),
      ping: db.prepare<[], { ok: number }>(`SELECT 1 AS ok`),
      dataVersion: db.prepare(`PRAGMA data_version`).pluck(),
    }
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
    const head = this.headOf(p.streamId)
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

  /** The stream's last event: written earlier in this batch, cached from an earlier one, or read. */
  private headOf(streamId: string): Head | undefined {
    const known = this.batchHeads.get(streamId) ?? this.heads.get(streamId)
    if (known) return known
    const row = this.stmt.streamHead.get(streamId)
    if (row) this.batchHeads.set(streamId, row)
    return row
  }

  /**
   * When some of the append's event ids are stored already: the earlier result if all of them
   * are, in this stream and in order (a retry); DuplicateEventError if only some are, or
   * elsewhere. Null when none is.
   */
  private duplicateOf(p: PreparedAppend): AppendResult | null {
    const found = p.events.map(e => this.stmt.eventById.get(e.event.id) as EventTuple | undefined)
    const firstFound = found.findIndex(r => r !== undefined)
    if (firstFound < 0) return null
    const rows = found as EventTuple[]
    const [, , firstVersion] = rows[0] ?? []
    const whole = found.every(r => r !== undefined) && rows.every(([, streamId, version], i) => streamId === p.streamId && version === firstVersion + i)
    if (!whole) throw new DuplicateEventError(p.events[firstFound].event.id)
    const events = rows.map(tupleToStored)
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
    if (this.syncFailure) return Promise.reject(this.syncFailure)
    let prepared: PreparedAppend
    try {
      prepared = prepareAppend(streamId, events, options)
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject })
      this.scheduleFlush()
    })
  }

  private scheduleFlush(): void {
    if (!this.flushTimer) this.flushTimer = setImmediate(() => this.flush())
  }

  /** Writes the queued appends in one transaction; settles each caller once the COMMIT is on disk. */
  private flush(): void {
    if (this.flushTimer) {
      clearImmediate(this.flushTimer)
      this.flushTimer = null
    }
    const batch = this.queue.splice(0, this.maxBatch)
    if (this.queue.length > 0) this.scheduleFlush()
    if (batch.length === 0) return
    const outcomes: Outcome[] = new Array(batch.length)
    try {
      if (this.syncFailure) throw this.syncFailure
      if (!this.database.open) throw new Error('database connection is closed')
      if (this.database.inTransaction) throw new Error('the connection is inside another transaction; appends must not run inside store.transaction()')
      this.writeBatch(batch, outcomes)
    } catch (error) {
      // BEGIN, a savepoint's write, or COMMIT failed: the transaction was rolled back, nothing is stored.
      this.stats.failedCommits++
      this.heads.clear()
      this.batchHeads.clear()
      for (const p of batch) p.reject(error === this.syncFailure ? error : new StoreUnavailableError(`event store could not commit: ${describe(error)}`, error))
      return
    }
    for (const [streamId, head] of this.batchHeads) this.heads.set(streamId, head)
    this.batchHeads.clear()
    this.stats.commits++
    this.stats.appends += batch.length
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length)
    if (this.observer?.batchCommitted) this.observer.batchCommitted(batch.length, outcomes.reduce((n, o) => n + (o.ok && !o.result.duplicate ? o.result.events.length : 0), 0))
    const settle = () => {
      let wrote = false
      for (let i = 0; i < batch.length; i++) {
        const o = outcomes[i]
        if (o.ok) {
          if (!o.result.duplicate && o.result.events.length > 0) wrote = true
          batch[i].resolve(o.result)
        } else {
          batch[i].reject(o.error)
        }
      }
      if (wrote) this.hub.notify()
    }
    if (!this.walSync) return settle()
    for (const o of outcomes) if (o.ok && !o.result.duplicate && o.result.events.length > 0) this.committedPosition = Math.max(this.committedPosition, o.result.position)
    this.committed++
    this.unsynced.push({ commit: this.committed, position: this.committedPosition, settle, fail: error => batch.forEach(p => p.reject(error)) })
    this.syncWal()
  }

  /** Starts an fdatasync of the WAL covering every commit made so far, unless one is running (it starts the next when done). */
  private syncWal(): void {
    if (this.syncing || this.syncFailure || this.synced === this.committed) return
    const target = this.committed
    let fd: number
    try {
      fd = this.walFd ??= openSync(`${this.path}-wal`, 'r')
    } catch (error) {
      this.failSync(error)
      return
    }
    this.syncing = true
    const started = this.observer?.synced ? performance.now() : 0
    this.syncFile(fd, error => {
      this.syncing = false
      if (error) return this.failSync(error)
      if (started) this.observer!.synced!((performance.now() - started) / 1000)
      this.synced = target
      while (this.unsynced.length > 0 && this.unsynced[0].commit <= target) {
        const done = this.unsynced.shift()!
        this.durablePosition = done.position
        done.settle()
      }
      this.durableWaiters = this.durableWaiters.filter(w => (w.commit <= target ? (w.resolve(), false) : true))
      this.syncWal()
    })
  }

  /** After a failed fdatasync nothing committed since the last good one can be called durable. */
  private failSync(cause: unknown): void {
    this.syncFailure = new StoreUnavailableError(`event store could not make its commits durable (fdatasync of the WAL failed: ${describe(cause)}); reopen the store`, cause)
    for (const u of this.unsynced.splice(0)) u.fail(this.syncFailure)
    for (const w of this.durableWaiters.splice(0)) w.reject(this.syncFailure)
  }

  /** Resolves once every commit made so far is on disk. */
  private durable(): Promise<void> {
    if (this.synced === this.committed) return Promise.resolve()
    if (this.syncFailure) return Promise.reject(this.syncFailure)
    return new Promise((resolve, reject) => this.durableWaiters.push({ commit: this.committed, resolve, reject }))
  }

  /**
   * What is stored when the store opens counts as durable: commits a previous process made but
   * had not synced when it died are visible now, so they are synced before anything is read.
   */
  private syncAtOpen(): void {
    const wal = `${this.path}-wal`
    if (existsSync(wal)) {
      const fd = openSync(wal, 'r')
      try {
        fdatasyncSync(fd)
      } finally {
        closeSync(fd)
      }
    }
    this.committedPosition = this.durablePosition = this.stmt.headPosition.get()?.head ?? 0
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
    return this.synced === this.committed || durableAlready(value) ? Promise.resolve(value) : this.durable().then(() => value)
  }

  /** Events read in position order are durable when the last one is. */
  private readonly eventsDurable = (events: StoredEvent[]): boolean => events.length === 0 || events[events.length - 1].position <= this.durablePosition

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const from = options.fromVersion ?? 1
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER
    const limit = options.limit ?? -1
    return this.read(() => (this.stmt.readStream.all(streamId, from, to, limit < 0 ? -1 : limit) as unknown as EventTuple[]).map(tupleToStored), this.eventsDurable)
  }

  streamVersion(streamId: string): Promise<number> {
    return this.read(() => this.stmt.streamHead.get(streamId)?.version ?? 0)
  }

  readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    if (!Number.isFinite(after) || !Number.isFinite(limit)) return Promise.reject(new TypeError('readAll: after and limit must be numbers'))
    return this.read(() => (this.stmt.readAll.all(Math.floor(after), Math.max(0, Math.floor(limit))) as unknown as EventTuple[]).map(tupleToStored), this.eventsDurable)
  }

  headPosition(): Promise<number> {
    return this.read(() => this.stmt.headPosition.get()?.head ?? 0, head => head <= this.durablePosition)
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
    const limit = now.getTime() - IDEMPOTENCY_MIN_RETENTION_MS
    const cutoff = new Date(Math.min(olderThan.getTime(), limit)).toISOString()
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
        while (this.queue.length > 0) this.flush()
        await this.durable().catch(() => undefined)
        await this.hub.closeAll()
        if (this.database.open) this.database.close()
        if (this.walFd !== null) closeSync(this.walFd)
      })()
    }
    return this.closing
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
    const current = (db.prepare(`SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations`).get() as { v: number }).v
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version
    if (current > latest) throw new Error(`database schema version ${current} is newer than this gridledger understands (${latest})`)
    const insert = db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`)
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue
      db.exec(m.sql)
      insert.run(m.version, m.name, new Date().toISOString())
    }
  }).immediate()
}

/** Opens (creating if needed) a SQLite event store; `:memory:` gives a private in-memory database. */
export function openSqliteEventStore(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
  return new SqliteEventStore(path, options)
}
