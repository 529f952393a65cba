// The SQLite event store's schema: ordered migrations, each applied once, in a transaction,
// when a store is opened.
import type Database from 'better-sqlite3'

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Ordered schema migrations. Append only. */
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

/** Applies the migrations this database lacks; refuses a schema newer than this code knows. */
export function migrate(db: Database.Database): void {
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
