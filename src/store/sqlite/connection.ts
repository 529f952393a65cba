// Opening the SQLite event store's connection: the directory, WAL journal, the synchronous
// setting of the chosen durability mode, checkpoint size, and the schema's migrations.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { StoreUnavailableError } from '../eventStore.js'
import { migrate } from './schema.js'

/**
 * How a commit reaches the disk, per durability mode: the connection's synchronous setting, and
 * whether the store fdatasyncs the WAL itself (off the event loop) before acknowledging.
 *   'wal-fsync' (default for a file): synchronous=NORMAL, the WAL synced by the store (walSync.ts);
 *   'commit': synchronous=FULL, the sync inside COMMIT;
 *   'unsafe-no-sync-for-tests': synchronous=OFF and no fdatasync, so acknowledged appends live in
 *     the page cache only. UNSAFE: loses acknowledged events on a power cut; it exists only so
 *     the power-loss tests can show that their fault layer catches a missing sync. Never
 *     reachable from configuration.
 */
export const DURABILITY_MODES = {
  'wal-fsync': { synchronous: 'NORMAL', storeSyncsWal: true },
  commit: { synchronous: 'FULL', storeSyncsWal: false },
  'unsafe-no-sync-for-tests': { synchronous: 'OFF', storeSyncsWal: false },
} as const satisfies Record<string, { synchronous: 'OFF' | 'NORMAL' | 'FULL'; storeSyncsWal: boolean }>

export type Durability = keyof typeof DURABILITY_MODES

export interface ConnectionOptions {
  busyTimeoutMs: number
  durability: Durability
  checkpointPages: number
}

/** An in-memory database: nothing to sync, no WAL. */
export function isInMemory(path: string): boolean {
  return path === ':memory:' || path === ''
}

/** SQLite's error code, when it is one of SQLite's errors. */
export function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined
}

export function describe(error: unknown): string {
  const code = sqliteCode(error)
  const message = error instanceof Error ? error.message : String(error)
  return code ? `${code}: ${message}` : message
}

export function openConnection(path: string, options: ConnectionOptions): Database.Database {
  const inMemory = isInMemory(path)
  let db: Database.Database
  try {
    if (!inMemory && !path.startsWith('file:')) mkdirSync(dirname(resolve(path)), { recursive: true })
    db = new Database(path, { timeout: options.busyTimeoutMs })
  } catch (error) {
    throw new StoreUnavailableError(`cannot open SQLite event store at ${path}: ${describe(error)}`, error)
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`)
    if (!inMemory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true })
      if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not switch to WAL journal (got ${String(mode)})`)
    }
    db.pragma(`synchronous = ${DURABILITY_MODES[options.durability].synchronous}`)
    db.pragma('foreign_keys = ON')
    if (!inMemory) {
      db.pragma(`wal_autocheckpoint = ${options.checkpointPages}`)
      // The WAL file keeps its largest size after a checkpoint unless told otherwise.
      db.pragma(`journal_size_limit = ${options.checkpointPages * 4096 * 2}`)
    }
    migrate(db)
  } catch (error) {
    db.close()
    if (error instanceof Database.SqliteError) throw new StoreUnavailableError(`cannot open SQLite event store at ${path}: ${describe(error)}`, error)
    throw error
  }
  return db
}
