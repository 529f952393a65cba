// Bench stores built once and kept: a store of a million events takes minutes to write through
// the adapter, and its bytes depend only on what is hashed below, so a timed run need not
// write it again. `npm run bench:prepare` builds every store ahead of a timed run; the benches
// take them from the cache (or build and keep them when missing).
//
// A store is kept under ~/.cache/gridledger/bench-stores/ (or BENCH_STORE_CACHE) as
// `<name>-<key>.db` with `<name>-<key>.json` (when, how long, from what). The key is a sha256 of
// everything that determines the store's content (up to random event ids):
//   - the source of the SQLite adapter and every module it imports (src/store/sqliteEventStore.ts
//     and its import closure, found by dependency-cruiser: src/store/sqlite/**, the hash chain…),
//     plan stream naming and id derivation, and bench/storeBuilder.ts itself;
//   - the template plan's events as the command handler records them (ids replaced by their
//     order of appearance), so a change to the domain's events rebuilds the stores and a change
//     that leaves them alone does not;
//   - the schema version (the adapter's migrations), better-sqlite3's and SQLite's versions;
//   - the workload: plans and their sizes, events per append, plans written at once;
//   - for a store with read models (snapshots), also the source of the projections rebuilt
//     (the import closure of src/app/gridledger.ts's PROJECTIONS' modules and the runner).
// Any change to those gives another key, so the store is built again; `--rebuild-stores` (or
// BENCH_REBUILD_STORES=1) builds every store the run uses again regardless.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { join, relative } from 'node:path'
import { sqliteBackend } from '../src/app/backends.js'
import { derivedId } from '../src/app/ids.js'
import { rebuildReadModels } from '../src/app/gridledger.js'
import { MIGRATIONS, openSqliteEventStore } from '../src/store/sqliteEventStore.js'
import { fmt, log, ROOT } from './lib.js'
import { fillStore, makeTemplate, type PlanSpec, type Template } from './storeBuilder.js'

/** A bench store: its plans and how they are written. */
export interface StoreSpec {
  /** Names the store in the cache and in the notes, e.g. "asof-large". */
  name: string
  plans: PlanSpec[]
  /** Events per append (default 10). */
  chunk?: number
  /** Appends at once, in the order the plans' events were recorded (default 16). */
  parallel?: number
  /** Rebuild the read models (plan catalogue, snapshots) once the events are in. */
  readModels?: boolean
}

export interface CachedStore {
  path: string
  name: string
  key: string
  fromCache: boolean
  builtAt: string
  /** Seconds to write the events, and to rebuild the read models (when it has them). */
  buildSeconds: number
  rebuildSeconds: number | null
  events: number
  bytes: number
}

/** The id of plan `index` of a bench store: the same every run, so a kept store's plans are known. */
export function benchPlanId(store: string, index: number | string): string {
  return derivedId('gridledger-bench', store, String(index))
}

export function storeCacheDir(): string {
  return process.env.BENCH_STORE_CACHE ?? join(homedir(), '.cache', 'gridledger', 'bench-stores')
}

export function rebuildRequested(): boolean {
  return process.env.BENCH_REBUILD_STORES === '1' || process.argv.includes('--rebuild-stores')
}

// ---- what a key is made of ------------------------------------------------------------------

/** Entry points whose import closure writes the events: the adapter, stream naming, plan ids. */
const EVENT_CODE = ['src/store/sqliteEventStore.ts', 'src/domain/planStream.ts', 'src/shared/derivedId.ts']
/** Entry points whose import closure writes the read models of a rebuild. */
const READ_MODEL_CODE = [
  'src/projections/readModels/runner.ts',
  'src/projections/readModels/planCatalogue.ts',
  'src/projections/storage/sqliteReadModels.ts',
  'src/app/tokens.ts',
  'src/app/webhooks/registry.ts',
  'src/app/backends.ts',
]

const closures = new Map<string, Promise<string[]>>()

/** The repository's own source files the entry points import, directly or not (sorted, relative to the root). */
export function importClosure(entries: string[]): Promise<string[]> {
  const id = entries.join('\n')
  let found = closures.get(id)
  if (!found) {
    found = (async () => {
      const { cruise } = await import('dependency-cruiser')
      const { default: extractTSConfig } = await import('dependency-cruiser/config-utl/extract-ts-config')
      const result = await cruise(
        entries,
        { doNotFollow: { path: 'node_modules' }, tsPreCompilationDeps: true, baseDir: ROOT },
        { extensions: ['.ts', '.js'] },
        { tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')) },
      )
      const output = result.output as { modules: Array<{ source: string; coreModule?: boolean; couldNotResolve?: boolean }> }
      return output.modules
        .filter(m => !m.coreModule && !m.couldNotResolve && !m.source.includes('node_modules'))
        .map(m => relative(ROOT, join(ROOT, m.source)))
        .sort()
    })()
    closures.set(id, found)
  }
  return found
}

function hashFiles(hash: ReturnType<typeof createHash>, files: string[]): void {
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update('\0')
}

/** The template's events with every UUID replaced by its order of appearance: what the domain records, without its random ids. */
export function canonicalTemplate(template: Template): string {
  const seen = new Map<string, number>()
  const { ids: _ids, actionIds: _actionIds, ...events } = template
  return JSON.stringify(events).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, m => {
    if (!seen.has(m)) seen.set(m, seen.size)
    return `#${seen.get(m)}`
  })
}

function engineVersions(): string {
  const require = createRequire(import.meta.url)
  const pkg = require('better-sqlite3/package.json') as { version: string }
  const db = new Database(':memory:')
  try {
    return `better-sqlite3 ${pkg.version}, SQLite ${db.prepare('select sqlite_version() as v').pluck().get() as string}`
  } finally {
    db.close()
  }
}

/** The cache key of a store's events, and (for a store with read models) of the store as used. */
export async function storeKeys(spec: StoreSpec, template: Template): Promise<{ events: string; store: string; inputs: string[] }> {
  const eventFiles = [...new Set([...(await importClosure(EVENT_CODE)), 'bench/storeBuilder.ts'])].sort()
  const workload = { plans: spec.plans, chunk: spec.chunk ?? 10, parallel: spec.parallel ?? 16 }
  const events = createHash('sha256')
  hashFiles(events, eventFiles)
  events.update(canonicalTemplate(template)).update(`\0schema ${MIGRATIONS.map(m => m.version).join(',')}\0${engineVersions()}\0${JSON.stringify(workload)}`)
  const eventsKey = events.digest('hex').slice(0, 16)
  if (!spec.readModels) return { events: eventsKey, store: eventsKey, inputs: eventFiles }
  const readModelFiles = (await importClosure(READ_MODEL_CODE)).filter(f => !eventFiles.includes(f))
  const store = createHash('sha256').update(`${eventsKey}\0read models\0`)
  hashFiles(store, readModelFiles)
  return { events: eventsKey, store: store.digest('hex').slice(0, 16), inputs: [...eventFiles, ...readModelFiles].sort() }
}

// ---- the cache ------------------------------------------------------------------------------

interface Manifest {
  name: string
  key: string
  builtAt: string
  buildSeconds: number
  rebuildSeconds: number | null
  events: number
  workload: { plans: number; events: number; chunk: number; parallel: number; readModels: boolean }
  inputs: string[]
}

function entryPaths(dir: string, name: string, key: string) {
  const base = join(dir, `${name}-${key}`)
  return { db: `${base}.db`, manifest: `${base}.json` }
}

function readManifest(path: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest
  } catch {
    return null
  }
}

/** Copies a SQLite file whose WAL has been checkpointed into it (nothing else open on it). */
function copyStore(from: string, to: string): void {
  rmSync(to, { force: true })
  copyFileSync(from, to)
}

/** Folds the WAL into the file, drops it, and syncs the file: the store is one durable file. */
function settle(path: string): void {
  const db = new Database(path)
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  for (const extra of ['-wal', '-shm']) rmSync(`${path}${extra}`, { force: true })
}

/** Older entries of the same store (other keys): they are never used again. */
function dropOlder(dir: string, name: string, keep: string[]): void {
  const pattern = new RegExp(`^${name.replace(/[^a-z0-9]/gi, '\\$&')}-([0-9a-f]{16})\\.(db|json|db-wal|db-shm)$`)
  for (const file of readdirSync(dir)) {
    const m = pattern.exec(file)
    if (m && !keep.includes(m[1])) rmSync(join(dir, file), { force: true })
  }
}

function progressLogger(label: string): (events: number) => void {
  let last = 0
  return n => {
    if (n - last >= 100_000) {
      last = n
      log(`${label}:   ${fmt(n)} events`)
    }
  }
}

/**
 * The store `spec` describes, from the cache when a store with the same key is there (and no
 * rebuild was asked for), else built (into a partial file, renamed once complete) and kept.
 * A store with read models is built from its events-only store (itself cached) plus a rebuild
 * of the read models, so a change to the projections does not write the events again.
 * The file is shared by every run: open it to read, copy it to write.
 */
export async function cachedStore(spec: StoreSpec): Promise<CachedStore> {
  const dir = storeCacheDir()
  mkdirSync(dir, { recursive: true })
  const template = await makeTemplate()
  const keys = await storeKeys(spec, template)
  const rebuild = rebuildRequested()
  const events = spec.plans.reduce((n, p) => n + p.events, 0)
  const workload = { plans: spec.plans.length, events, chunk: spec.chunk ?? 10, parallel: spec.parallel ?? 16, readModels: spec.readModels ?? false }
  const target = entryPaths(dir, spec.name, keys.store)
  const found = readManifest(target.manifest)
  const result = (manifest: Manifest, fromCache: boolean): CachedStore => ({
    path: target.db,
    name: spec.name,
    key: keys.store,
    fromCache,
    builtAt: manifest.builtAt,
    buildSeconds: manifest.buildSeconds,
    rebuildSeconds: manifest.rebuildSeconds,
    events: manifest.events,
    bytes: statSync(target.db).size,
  })
  if (!rebuild && found && existsSync(target.db)) {
    log(`${spec.name}: store from the cache (${target.db}, built ${found.builtAt})`)
    return result(found, true)
  }

  // The events, from their own cache entry when the store has read models on top.
  const eventsName = spec.readModels ? `${spec.name}-events` : spec.name
  const eventsEntry = entryPaths(dir, eventsName, keys.events)
  let eventsManifest = readManifest(eventsEntry.manifest)
  if (rebuild || !eventsManifest || !existsSync(eventsEntry.db)) {
    log(`${spec.name}: building a store of ${fmt(events)} events in ${spec.plans.length} plans (into the cache, ${dir})`)
    const partial = `${eventsEntry.db}.${process.pid}.partial`
    for (const extra of ['', '-wal', '-shm']) rmSync(`${partial}${extra}`, { force: true })
    // Nothing here is measured: commits need not be synced one by one. The file is checkpointed
    // and synced once it is complete, and only then renamed into place.
    const store = openSqliteEventStore(partial, { durability: 'unsafe-no-sync-for-tests' })
    const ms = await fillStore(store, template, spec.plans, { chunk: spec.chunk, parallel: spec.parallel, onProgress: progressLogger(spec.name) })
    await store.close()
    settle(partial)
    renameSync(partial, eventsEntry.db)
    eventsManifest = { name: eventsName, key: keys.events, builtAt: new Date().toISOString(), buildSeconds: ms / 1000, rebuildSeconds: null, events, workload: { ...workload, readModels: false }, inputs: keys.inputs }
    writeFileSync(eventsEntry.manifest, `${JSON.stringify(eventsManifest, null, 2)}\n`)
    dropOlder(dir, eventsName, [keys.events])
    log(`${spec.name}: ${fmt(events)} events written in ${fmt(ms / 1000, 1)} s`)
  }
  if (!spec.readModels) return result(eventsManifest, false)

  log(`${spec.name}: rebuilding the read models (snapshots included) on a copy of the events`)
  const partial = `${target.db}.${process.pid}.partial`
  copyStore(eventsEntry.db, partial)
  const store = openSqliteEventStore(partial, { durability: 'unsafe-no-sync-for-tests' })
  const t0 = performance.now()
  await rebuildReadModels(sqliteBackend(store))
  const rebuildMs = performance.now() - t0
  await store.close()
  settle(partial)
  renameSync(partial, target.db)
  const manifest: Manifest = { ...eventsManifest, name: spec.name, key: keys.store, builtAt: new Date().toISOString(), rebuildSeconds: rebuildMs / 1000, workload, inputs: keys.inputs }
  writeFileSync(target.manifest, `${JSON.stringify(manifest, null, 2)}\n`)
  dropOlder(dir, spec.name, [keys.store])
  log(`${spec.name}: read models rebuilt in ${fmt(rebuildMs / 1000, 1)} s`)
  return result(manifest, false)
}

/** A sentence for a row's notes: where the store came from and when it was built. */
export function storeNote(store: CachedStore): string {
  const how = `${fmt(store.events)} events written through the SQLite adapter in ${fmt(store.buildSeconds, 1)} s${store.rebuildSeconds === null ? '' : `, read models rebuilt in ${fmt(store.rebuildSeconds, 1)} s`}`
  return store.fromCache
    ? `Store \`${store.name}\` (key ${store.key}) from the bench store cache, built ${store.builtAt} (${how}).`
    : `Store \`${store.name}\` (key ${store.key}) built in this run, ${store.builtAt} (${how}), and kept in the bench store cache.`
}

/** A private copy of a kept store, for a bench that writes to it (the rebuild). */
export function copyOfStore(store: CachedStore, to: string): string {
  copyStore(store.path, to)
  return to
}

/** One plan of `events` events, in appends of 500: the history page's store, and the export's. */
export function onePlanStore(events: number): StoreSpec {
  const name = `one-plan-${events}`
  return { name, plans: [{ planId: benchPlanId(name, 0), events }], chunk: 500 }
}
