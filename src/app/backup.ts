// Backups of the SQLite store, and restoring one.
//
// A backup is a consistent online copy: VACUUM INTO reads the live file inside one read
// transaction, which in WAL mode holds a snapshot of every commit made before it began while the
// server goes on writing. The copy is written under a temporary name (".NAME.partial-PID" beside
// the target), its pages and every hash chain are checked, a manifest row saying so is added, and
// only then is it renamed to the name asked for: a file under that name is always a finished,
// verified backup, and a copy interrupted at any point (kill -9 included) is only ever a
// ".partial" file, which restore refuses because it has no manifest.
import Database from 'better-sqlite3'
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { listPlans } from '../projections/readModels/planCatalogue.js'
import { planStreamId } from '../domain/planStream.js'
import { checkStreamIntegrity } from '../store/integrity.js'
import { openSqliteEventStore, type SqliteEventStore } from '../store/sqliteEventStore.js'
import { packageVersion } from '../version.js'
import { sqliteBackend } from './backends.js'
import { assembleGridLedger, type GridLedger } from './gridledger.js'

/** The table a finished backup carries; restore requires it and removes it from the restored store. */
export const BACKUP_MANIFEST_TABLE = 'gridledger_backup'

export interface BackupManifest {
  takenAt: string
  source: string
  headPosition: number
  events: number
  streams: number
  plans: number
  version: string
}

export interface ChainReport {
  ok: boolean
  events: number
  streams: number
  plans: number
  /** One line per stream whose chain does not hold. */
  failures: string[]
}

export interface BackupResult extends BackupManifest {
  file: string
  bytes: number
}

export interface RestoreResult {
  store: string
  from: string
  manifest: BackupManifest
  report: ChainReport
  /** Where the replaced store was moved (with --force), or null. */
  replaced: string | null
}

export class BackupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'BackupError'
  }
}

/** The file of a sqlite:<path> GRIDLEDGER_STORE value; backups exist only for the SQLite store. */
export function sqliteStorePath(storeUrl: string): string {
  const value = storeUrl.trim()
  if (!value.startsWith('sqlite:')) {
    throw new BackupError(`backup and restore work on the SQLite store (GRIDLEDGER_STORE=sqlite:<path>); "${value.replace(/\/\/[^@/]*@/, '//***@')}" is not one: for EventStoreDB use its own backups (see README)`)
  }
  const path = value.slice('sqlite:'.length)
  if (path === '' || path === ':memory:' || path.startsWith('file:')) throw new BackupError(`GRIDLEDGER_STORE "${value}" names no SQLite file to back up or restore into`)
  return path
}

/** A temporary name beside `target`, unique to this process, that no finished backup ever has. */
function partialName(target: string, what: 'partial' | 'restoring'): string {
  return join(dirname(target), `.${basename(target)}.${what}-${process.pid}`)
}

/** Every hash chain of the store: plan streams against the plan catalogue's witness of their head, other streams on their own. */
export async function verifyChains(ledger: GridLedger): Promise<ChainReport> {
  const db = (ledger.store as SqliteEventStore).db
  const failures: string[] = []
  let events = 0
  const plans = listPlans(ledger.readModels)
  const planStreams = new Set<string>()
  for (const plan of plans) {
    planStreams.add(planStreamId(plan.id))
    const verdict = await ledger.plans.integrity(plan.id)
    events += verdict.events
    if (!verdict.ok) failures.push(`plan ${plan.id}: position ${verdict.firstBadPosition}: ${verdict.detail}`)
  }
  const streams = (db.prepare('SELECT DISTINCT stream_id FROM events').pluck().all() as string[]).filter(s => !planStreams.has(s))
  for (const streamId of streams) {
    const verdict = await checkStreamIntegrity(ledger.store, streamId)
    events += verdict.events
    if (!verdict.ok) failures.push(`stream ${streamId}: position ${verdict.firstBadPosition}: ${verdict.detail}`)
  }
  const total = (db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number) ?? 0
  if (total !== events) failures.push(`the store holds ${total} events, its chains account for ${events}`)
  return { ok: failures.length === 0, events: total, streams: streams.length + planStreams.size, plans: plans.length, failures }
}

/** SQLite's own page-level check; the hash chains say nothing about a damaged index or free list. */
function quickCheck(db: Database.Database, what: string): void {
  const result = db.pragma('quick_check', { simple: true })
  if (result !== 'ok') throw new BackupError(`${what} is damaged: SQLite quick_check says ${String(result)}`)
}

/** Opens a copy, checks its pages and chains, lets `finish` change it, and closes it with nothing left in a WAL. */
async function checkCopy<T>(path: string, what: string, finish: (ledger: GridLedger, report: ChainReport) => T): Promise<{ report: ChainReport; result: T }> {
  let store: SqliteEventStore
  try {
    store = openSqliteEventStore(path, { durability: 'commit' })
  } catch (error) {
    throw new BackupError(`${what} is not a gridledger store: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  const ledger = await assembleGridLedger(sqliteBackend(store))
  let out: { report: ChainReport; result: T }
  try {
    quickCheck(store.db, what)
    const report = await verifyChains(ledger)
    out = { report, result: finish(ledger, report) }
  } finally {
    await ledger.close()
  }
  // Closing the last connection folds the WAL into the main file, so the file alone is the whole copy.
  if (existsSync(path + '-wal') && statSync(path + '-wal').size > 0) throw new BackupError(`${what}: its write-ahead log could not be folded into the file`)
  // A rollback-journal file: reading it (restore's check of the manifest) leaves no -wal or -shm beside it.
  const db = new Database(path, { fileMustExist: true })
  try {
    db.pragma('journal_mode = DELETE')
  } finally {
    db.close()
  }
  for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, { force: true })
  return out
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Takes a verified online copy of the SQLite store at `source` into `target` (which must not exist).
 * The server may keep writing throughout; the copy holds every commit made before it began.
 */
export async function backupSqliteStore(source: string, target: string, options: { now?: () => Date } = {}): Promise<BackupResult> {
  const now = options.now ?? (() => new Date())
  if (!existsSync(source) || statSync(source).size === 0) throw new BackupError(`no gridledger store at ${source}`)
  if (existsSync(target)) throw new BackupError(`${target} exists: a backup never overwrites a file; choose a new name`)
  if (!existsSync(dirname(resolve(target)))) throw new BackupError(`the directory of ${target} does not exist`)
  const partial = partialName(target, 'partial')
  rmSync(partial, { force: true })
  const takenAt = now().toISOString()
  let renamed = false
  try {
    const live = new Database(source, { fileMustExist: true, timeout: 5000 })
    try {
      const hasEvents = live.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'`).get()
      if (!hasEvents) throw new BackupError(`${source} is not a gridledger store (it has no events table)`)
      live.prepare('VACUUM INTO ?').run(partial)
    } finally {
      live.close()
    }
    let headPosition = 0
    const { report } = await checkCopy(partial, `the copy of ${source}`, (ledger, report) => {
      const db = (ledger.store as SqliteEventStore).db
      headPosition = (db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get() as number) ?? 0
      if (!report.ok) return
      db.exec(`CREATE TABLE ${BACKUP_MANIFEST_TABLE} (taken_at TEXT NOT NULL, source TEXT NOT NULL, head_position INTEGER NOT NULL, events INTEGER NOT NULL, streams INTEGER NOT NULL, plans INTEGER NOT NULL, version TEXT NOT NULL)`)
      db.prepare(`INSERT INTO ${BACKUP_MANIFEST_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)`).run(takenAt, resolve(source), headPosition, report.events, report.streams, report.plans, packageVersion())
    })
    if (!report.ok) throw new BackupError(`the copy's hash chains do not verify, so it is not a backup (the live store may be damaged: run gridledger verify):\n  ${report.failures.join('\n  ')}`)
    fsyncPath(partial)
    if (existsSync(target)) throw new BackupError(`${target} appeared while the backup ran; the backup was not kept`)
    renameSync(partial, target)
    renamed = true
    fsyncPath(dirname(resolve(target)))
    return { file: target, bytes: statSync(target).size, takenAt, source: resolve(source), headPosition, events: report.events, streams: report.streams, plans: report.plans, version: packageVersion() }
  } finally {
    if (!renamed) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(partial + suffix, { force: true })
  }
}

/** The manifest a finished backup carries, or null when the file is not one (a partial copy, a plain store). */
export function readBackupManifest(file: string): BackupManifest | null {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(BACKUP_MANIFEST_TABLE)
    if (!has) return null
    const row = db.prepare(`SELECT taken_at, source, head_position, events, streams, plans, version FROM ${BACKUP_MANIFEST_TABLE}`).get() as
      | { taken_at: string; source: string; head_position: number; events: number; streams: number; plans: number; version: string }
      | undefined
    return row ? { takenAt: row.taken_at, source: row.source, headPosition: row.head_position, events: row.events, streams: row.streams, plans: row.plans, version: row.version } : null
  } finally {
    db.close()
  }
}

/**
 * Restores a backup into the SQLite store at `target`. Refuses a file that is not a finished
 * backup or whose chains do not verify, and a target store that exists unless `force`, in which
 * case the old store is moved aside (never deleted) to `<target>.replaced-<time>`.
 */
export async function restoreSqliteStore(file: string, target: string, options: { force?: boolean; now?: () => Date } = {}): Promise<RestoreResult> {
  const now = options.now ?? (() => new Date())
  if (!existsSync(file)) throw new BackupError(`no backup at ${file}`)
  const targetExists = existsSync(target) && statSync(target).size > 0
  if (targetExists && !options.force) throw new BackupError(`a store exists at ${target}: restore never replaces a store without --force (stop the server first; the old store is then kept as ${target}.replaced-<time>)`)
  if (existsSync(file + '-wal') && statSync(file + '-wal').size > 0) throw new BackupError(`${file} has a write-ahead log beside it: it is an open database, not a finished backup`)
  let manifest: BackupManifest | null
  try {
    manifest = readBackupManifest(file)
  } catch (error) {
    throw new BackupError(`${file} is not a gridledger backup: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  if (!manifest) throw new BackupError(`${file} is not a finished gridledger backup (it has no backup manifest: a partial copy, or a plain store file)`)
  const restoring = partialName(target, 'restoring')
  mkdirSync(dirname(resolve(target)), { recursive: true })
  let renamed = false
  try {
    for (const suffix of ['', '-wal', '-shm']) rmSync(restoring + suffix, { force: true })
    copyFileSync(file, restoring)
    const { report } = await checkCopy(restoring, `the backup ${file}`, (ledger, report) => {
      if (report.ok) (ledger.store as SqliteEventStore).db.exec(`DROP TABLE ${BACKUP_MANIFEST_TABLE}`)
    })
    if (!report.ok) throw new BackupError(`the backup's hash chains do not verify; nothing was restored:\n  ${report.failures.join('\n  ')}`)
    if (report.events !== manifest.events) throw new BackupError(`the backup holds ${report.events} events, its manifest says ${manifest.events}; nothing was restored`)
    fsyncPath(restoring)
    let replaced: string | null = null
    if (existsSync(target)) {
      replaced = `${target}.replaced-${now().toISOString().replace(/[:.]/g, '-')}`
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, replaced + suffix)
    }
    renameSync(restoring, target)
    renamed = true
    fsyncPath(dirname(resolve(target)))
    return { store: target, from: file, manifest, report, replaced }
  } finally {
    if (!renamed) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(restoring + suffix, { force: true })
  }
}
