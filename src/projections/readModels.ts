// Read models: a small document store (collection, key → JSON document) plus one checkpoint
// per projection. Two implementations share one transactional layer:
//   - SQLite: tables `read_models` and `projection_checkpoints` in the SAME database as the
//     events, so a projection's documents and its checkpoint commit in one transaction;
//   - memory: for the memory and EventStoreDB stores (rebuilt from the events at start).
//
// Writes go through an overlay of working copies; nothing reaches the backing store until the
// overlay commits, all at once. Outside a transaction, every `get` returns a fresh copy, so no
// reader can change what is stored. Inside one, `get` returns the transaction's working copy
// (the same object each time): a projection may change it in place and `put` it back.
import type { Database } from 'better-sqlite3'

export interface ReadModelStore {
  get<T = unknown>(collection: string, key: string): T | undefined
  put(collection: string, key: string, doc: unknown): void
  delete(collection: string, key: string): void
  /** Every document of a collection, in key order. */
  list<T = unknown>(collection: string): T[]
  /** Position a projection has applied up to (0 when never run or cleared). */
  checkpoint(name: string): number
  setCheckpoint(name: string, position: number): void
  /** Runs `fn` (synchronous) so that all its writes commit together, or none when it throws. */
  transaction<T>(fn: (tx: ReadModelStore) => T): T
  /** Drops collections and checkpoints. */
  clear(collections: string[], checkpoints?: string[]): void
  /**
   * Writes held in memory (across awaits) until `commit()` writes them in one transaction;
   * reads through it see them. What a rebuild uses, so readers never see a half-built model.
   */
  staged(): StagedReadModels
}

export interface StagedReadModels extends ReadModelStore {
  commit(): void
}

// ---- the layers -------------------------------------------------------------------------------

const DELETED: unique symbol = Symbol('deleted')

interface Changes {
  clearedCollections: Set<string>
  clearedCheckpoints: Set<string>
  docs: Map<string, Map<string, unknown>>
  checkpoints: Map<string, number>
}

/** What an overlay reads through to and commits into. */
interface Layer {
  /** A document the caller may keep and change (a fresh copy, or the layer's working copy). */
  getDoc(collection: string, key: string): unknown
  listKeys(collection: string): string[]
  getCheckpoint(name: string): number
  applyChanges(changes: Changes): void
}

class Overlay implements StagedReadModels, Layer {
  private readonly docs = new Map<string, Map<string, unknown>>()
  /** Working copies read (not necessarily written). */
  private readonly working = new Map<string, Map<string, unknown>>()
  private readonly clearedCollections = new Set<string>()
  private readonly clearedCheckpoints = new Set<string>()
  private readonly checkpoints = new Map<string, number>()
  private done = false

  constructor(private readonly parent: Layer, private readonly onCommit: (commit: () => void) => void = c => c()) {}

  private live(): void {
    if (this.done) throw new Error('this read-model transaction has already ended')
  }

  /** For a nested overlay: a copy, so a child that rolls back leaves this overlay's working copies as they were. */
  getDoc(collection: string, key: string): unknown {
    const doc = this.resolve(collection, key)
    return doc === undefined ? undefined : JSON.parse(JSON.stringify(doc))
  }

  /** This overlay's working copy. */
  private resolve(collection: string, key: string): unknown {
    const written = this.docs.get(collection)
    if (written?.has(key)) {
      const doc = written.get(key)
      return doc === DELETED ? undefined : doc
    }
    if (this.clearedCollections.has(collection)) return undefined
    let cache = this.working.get(collection)
    if (cache?.has(key)) return cache.get(key)
    const doc = this.parent.getDoc(collection, key)
    if (!cache) this.working.set(collection, (cache = new Map()))
    cache.set(key, doc)
    return doc
  }

  listKeys(collection: string): string[] {
    const keys = new Set(this.clearedCollections.has(collection) ? [] : this.parent.listKeys(collection))
    for (const [key, doc] of this.docs.get(collection) ?? []) {
      if (doc === DELETED) keys.delete(key)
      else keys.add(key)
    }
    return [...keys].sort()
  }

  getCheckpoint(name: string): number {
    if (this.checkpoints.has(name)) return this.checkpoints.get(name)!
    if (this.clearedCheckpoints.has(name)) return 0
    return this.parent.getCheckpoint(name)
  }

  applyChanges(changes: Changes): void {
    for (const c of changes.clearedCollections) this.clearCollection(c)
    for (const n of changes.clearedCheckpoints) this.clearCheckpoint(n)
    for (const [collection, docs] of changes.docs) for (const [key, doc] of docs) this.write(collection, key, doc)
    for (const [name, position] of changes.checkpoints) this.checkpoints.set(name, position)
  }

  private write(collection: string, key: string, doc: unknown): void {
    let docs = this.docs.get(collection)
    if (!docs) this.docs.set(collection, (docs = new Map()))
    docs.set(key, doc)
    this.working.get(collection)?.delete(key)
  }

  private clearCollection(collection: string): void {
    this.clearedCollections.add(collection)
    this.docs.delete(collection)
    this.working.delete(collection)
  }

  private clearCheckpoint(name: string): void {
    this.clearedCheckpoints.add(name)
    this.checkpoints.delete(name)
  }

  get<T = unknown>(collection: string, key: string): T | undefined {
    this.live()
    return this.resolve(collection, key) as T | undefined
  }

  put(collection: string, key: string, doc: unknown): void {
    this.live()
    if (doc === undefined) throw new TypeError('a read-model document cannot be undefined (use delete)')
    this.write(collection, key, doc)
  }

  delete(collection: string, key: string): void {
    this.live()
    this.write(collection, key, DELETED)
  }

  list<T = unknown>(collection: string): T[] {
    this.live()
    return this.listKeys(collection).map(key => this.resolve(collection, key) as T)
  }

  checkpoint(name: string): number {
    this.live()
    return this.getCheckpoint(name)
  }

  setCheckpoint(name: string, position: number): void {
    this.live()
    if (!Number.isSafeInteger(position) || position < 0) throw new TypeError(`checkpoint position must be a non-negative integer, got ${position}`)
    this.checkpoints.set(name, position)
  }

  transaction<T>(fn: (tx: ReadModelStore) => T): T {
    this.live()
    const child = new Overlay(this)
    const result = fn(child)
    if (isPromise(result)) throw new TypeError('read-model transactions are synchronous')
    child.commit()
    return result
  }

  clear(collections: string[], checkpoints: string[] = []): void {
    this.live()
    for (const c of collections) this.clearCollection(c)
    for (const n of checkpoints) this.clearCheckpoint(n)
  }

  staged(): StagedReadModels {
    this.live()
    return new Overlay(this)
  }

  commit(): void {
    this.live()
    const changes: Changes = {
      clearedCollections: this.clearedCollections,
      clearedCheckpoints: this.clearedCheckpoints,
      docs: this.docs,
      checkpoints: this.checkpoints,
    }
    this.onCommit(() => this.parent.applyChanges(changes))
    this.done = true
  }
}

function isPromise(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** A committed store: reads parse stored JSON; writes go through a one-off overlay. */
abstract class CommittedReadModels implements ReadModelStore, Layer {
  abstract getDoc(collection: string, key: string): unknown
  abstract listKeys(collection: string): string[]
  abstract getCheckpoint(name: string): number
  abstract applyChanges(changes: Changes): void
  /** Runs fn atomically with respect to other writers. */
  protected abstract atomically<T>(fn: () => T): T
  /** All documents of a collection, parsed (one query where the backing can). */
  protected abstract listDocs(collection: string): unknown[]

  get<T = unknown>(collection: string, key: string): T | undefined {
    return this.getDoc(collection, key) as T | undefined
  }

  list<T = unknown>(collection: string): T[] {
    return this.listDocs(collection) as T[]
  }

  checkpoint(name: string): number {
    return this.getCheckpoint(name)
  }

  put(collection: string, key: string, doc: unknown): void {
    this.transaction(tx => tx.put(collection, key, doc))
  }

  delete(collection: string, key: string): void {
    this.transaction(tx => tx.delete(collection, key))
  }

  setCheckpoint(name: string, position: number): void {
    this.transaction(tx => tx.setCheckpoint(name, position))
  }

  clear(collections: string[], checkpoints: string[] = []): void {
    this.transaction(tx => tx.clear(collections, checkpoints))
  }

  transaction<T>(fn: (tx: ReadModelStore) => T): T {
    return this.atomically(() => {
      const overlay = new Overlay(this)
      const result = fn(overlay)
      if (isPromise(result)) throw new TypeError('read-model transactions are synchronous')
      overlay.commit()
      return result
    })
  }

  staged(): StagedReadModels {
    return new Overlay(this, commit => this.atomically(commit))
  }
}

/** Serialises every written document first, so a document that cannot be stored changes nothing. */
function serialise(changes: Changes): Array<[string, string, string | null]> {
  const rows: Array<[string, string, string | null]> = []
  for (const [collection, docs] of changes.docs) {
    for (const [key, doc] of docs) {
      if (doc === DELETED) rows.push([collection, key, null])
      else {
        const json = JSON.stringify(doc)
        if (json === undefined) throw new TypeError(`read-model document ${collection}/${key} is not JSON`)
        rows.push([collection, key, json])
      }
    }
  }
  return rows
}

// ---- memory -----------------------------------------------------------------------------------

class MemoryReadModels extends CommittedReadModels {
  private readonly collections = new Map<string, Map<string, string>>()
  private readonly checkpoints = new Map<string, number>()

  getDoc(collection: string, key: string): unknown {
    const json = this.collections.get(collection)?.get(key)
    return json === undefined ? undefined : JSON.parse(json)
  }

  listKeys(collection: string): string[] {
    return [...(this.collections.get(collection)?.keys() ?? [])].sort()
  }

  protected listDocs(collection: string): unknown[] {
    const docs = this.collections.get(collection)
    return this.listKeys(collection).map(key => JSON.parse(docs!.get(key)!))
  }

  getCheckpoint(name: string): number {
    return this.checkpoints.get(name) ?? 0
  }

  applyChanges(changes: Changes): void {
    const rows = serialise(changes)
    for (const c of changes.clearedCollections) this.collections.delete(c)
    for (const n of changes.clearedCheckpoints) this.checkpoints.delete(n)
    for (const [collection, key, json] of rows) {
      let docs = this.collections.get(collection)
      if (!docs) this.collections.set(collection, (docs = new Map()))
      if (json === null) docs.delete(key)
      else docs.set(key, json)
    }
    for (const [name, position] of changes.checkpoints) this.checkpoints.set(name, position)
  }

  protected atomically<T>(fn: () => T): T {
    // Single-threaded and synchronous: nothing interleaves; an overlay that throws never commits.
    return fn()
  }
}

export function createMemoryReadModels(): ReadModelStore {
  return new MemoryReadModels()
}

// ---- SQLite -----------------------------------------------------------------------------------

export const READ_MODEL_SCHEMA = `
  CREATE TABLE IF NOT EXISTS read_models (
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (collection, key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
  );
`

class SqliteReadModels extends CommittedReadModels {
  private readonly statements

  /** The event store's own setting, set when it opened its connection: read once, not per transaction. */
  private readonly storeSynchronous: number

  constructor(private readonly db: Database) {
    super()
    db.exec(READ_MODEL_SCHEMA)
    this.storeSynchronous = db.pragma('synchronous', { simple: true }) as number
    this.statements = {
      get: db.prepare<[string, string], { doc: string }>(`SELECT doc FROM read_models WHERE collection = ? AND key = ?`),
      keys: db.prepare<[string], { key: string }>(`SELECT key FROM read_models WHERE collection = ? ORDER BY key`),
      list: db.prepare<[string], { doc: string }>(`SELECT doc FROM read_models WHERE collection = ? ORDER BY key`),
      upsert: db.prepare<[string, string, string]>(
        `INSERT INTO read_models (collection, key, doc) VALUES (?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET doc = excluded.doc`,
      ),
      remove: db.prepare<[string, string]>(`DELETE FROM read_models WHERE collection = ? AND key = ?`),
      clearCollection: db.prepare<[string]>(`DELETE FROM read_models WHERE collection = ?`),
      checkpoint: db.prepare<[string], { position: number }>(`SELECT position FROM projection_checkpoints WHERE name = ?`),
      setCheckpoint: db.prepare<[string, number]>(
        `INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
      ),
      clearCheckpoint: db.prepare<[string]>(`DELETE FROM projection_checkpoints WHERE name = ?`),
    }
  }

  getDoc(collection: string, key: string): unknown {
    const row = this.statements.get.get(collection, key)
    return row ? JSON.parse(row.doc) : undefined
  }

  listKeys(collection: string): string[] {
    return this.statements.keys.all(collection).map(r => r.key)
  }

  protected listDocs(collection: string): unknown[] {
    return this.statements.list.all(collection).map(r => JSON.parse(r.doc))
  }

  getCheckpoint(name: string): number {
    return this.statements.checkpoint.get(name)?.position ?? 0
  }

  applyChanges(changes: Changes): void {
    const rows = serialise(changes)
    const s = this.statements
    this.atomically(() => {
      for (const c of changes.clearedCollections) s.clearCollection.run(c)
      for (const n of changes.clearedCheckpoints) s.clearCheckpoint.run(n)
      for (const [collection, key, json] of rows) {
        if (json === null) s.remove.run(collection, key)
        else s.upsert.run(collection, key, json)
      }
      for (const [name, position] of changes.checkpoints) s.setCheckpoint.run(name, position)
    })
  }

  protected atomically<T>(fn: () => T): T {
    // IMMEDIATE: take the write lock before reading, so another process's commit cannot slip
    // between what a projection read and what it writes. Nested calls become savepoints.
    if (this.db.inTransaction) return this.db.transaction(fn).immediate()
    // Read models commit without their own fsync (synchronous=NORMAL, for this transaction
    // only): they are derived data and their checkpoints commit with them, so a crash can only
    // take both back together and the runner re-applies from the checkpoint; the event store's
    // next synced commit syncs the WAL, these frames included. One fsync per group commit
    // instead of two (the HTTP benchmark's profile). A store that syncs its WAL itself already
    // runs at NORMAL.
    if (this.storeSynchronous <= 1) return this.db.transaction(fn).immediate()
    this.db.pragma('synchronous = NORMAL')
    try {
      return this.db.transaction(fn).immediate()
    } finally {
      this.db.pragma(`synchronous = ${this.storeSynchronous}`)
    }
  }
}

/** Read models in the event store's own SQLite database (tables created if missing). */
export function createSqliteReadModels(db: Database): ReadModelStore {
  return new SqliteReadModels(db)
}
