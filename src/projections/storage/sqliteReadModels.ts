// Read models in the event store's own SQLite database, so a projection's documents and its
// checkpoint commit in one transaction.
import type { Database } from 'better-sqlite3'
import { CommittedReadModels, serialise } from './committedReadModels.js'
import type { Changes } from './overlay.js'
import type { ReadModelStore } from './readModelStore.js'

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
    // next synced commit syncs the WAL, these frames included: one fsync per group commit
    // instead of two. A store that syncs its WAL itself already runs at NORMAL.
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
