// Opens the event store named by a GRIDLEDGER_STORE value:
//   memory:                      in-memory (tests, demos; nothing persisted)
//   sqlite:<path>                SQLite file, e.g. sqlite:./data/gridledger.db; sqlite::memory:
//   esdb://…, esdb+discover://…, kurrentdb://…, kurrentdb+discover://…   EventStoreDB / KurrentDB
import { statSync } from 'node:fs'
import type { EventStore } from './eventStore.js'
import type { StoreObserver } from './storeObserver.js'
import { createMemoryEventStore } from './memoryEventStore.js'
import type { SqliteEventStore } from './sqliteEventStore.js'

export const STORE_URL_FORMS = ['memory:', 'sqlite:<path> (e.g. sqlite:./data/gridledger.db, sqlite::memory:)', 'esdb://host:2113?tls=false', 'esdb+discover://…', 'kurrentdb://…', 'kurrentdb+discover://…']

const ESDB_SCHEMES = ['esdb://', 'esdb+discover://', 'kurrentdb://', 'kurrentdb+discover://']

interface EsdbModule {
  openEsdbEventStore(url: string, options?: { idempotencyRetentionMs?: number }): Promise<EventStore> | EventStore
}

export interface OpenStoreOptions {
  /**
   * May a store that does not exist yet be created? Only commands that write (serve, import) say
   * yes: a command that reads, pointed at a mistyped path, must not make an empty store there and
   * report on it as if it were the real one. Default false.
   */
  create?: boolean
  /** How long idempotency records answer (EventStoreDB expires them by itself after it). */
  idempotencyRetentionMs?: number
  /** Told when a new, empty store was created (so the caller can say so in its log). */
  onCreate?(location: string): void
  /** Told of the SQLite store's group commits and syncs (metrics). */
  observer?: StoreObserver
}

/** The store named does not exist and the command may not create one. */
export class StoreNotFoundError extends Error {
  constructor(readonly location: string) {
    super(`no gridledger store at ${location}: check GRIDLEDGER_STORE (only \`gridledger serve\` and \`gridledger import\` create a new store)`)
    this.name = 'StoreNotFoundError'
  }
}

/** An opened store and which adapter it is, so the application can pair it with its read models. */
export type OpenedStore = { kind: 'memory'; store: EventStore } | { kind: 'sqlite'; store: SqliteEventStore } | { kind: 'esdb'; store: EventStore }

export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<EventStore> {
  return (await openStoreOfKind(url, options)).store
}

export async function openStoreOfKind(url: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const value = typeof url === 'string' ? url.trim() : ''
  if (value === 'memory:' || value === 'memory') return { kind: 'memory', store: createMemoryEventStore() }
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length)
    if (path.length === 0) throw new Error(`GRIDLEDGER_STORE "${url}" names no SQLite file: use sqlite:<path>, e.g. sqlite:./data/gridledger.db or sqlite::memory:`)
    const isFile = path !== ':memory:' && !path.startsWith('file:')
    const exists = isFile && sqliteFileExists(path)
    if (isFile && !exists && !options.create) throw new StoreNotFoundError(path)
    // Loaded on demand so the memory and EventStoreDB stores do not load the native module.
    const { openSqliteEventStore } = await import('./sqliteEventStore.js')
    const store = openSqliteEventStore(path, options.observer ? { observer: options.observer } : {})
    if (isFile && !exists) options.onCreate?.(path)
    return { kind: 'sqlite', store }
  }
  if (ESDB_SCHEMES.some(s => value.toLowerCase().startsWith(s))) {
    // A variable specifier: the EventStoreDB adapter (and its gRPC client) loads only when asked for.
    const specifier = './esdbEventStore.js'
    let mod: EsdbModule
    try {
      mod = (await import(specifier)) as EsdbModule
    } catch (error) {
      const e = error as { code?: string; message?: string }
      if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message?.includes('esdbEventStore')) {
        throw new Error(`GRIDLEDGER_STORE "${url}" asks for EventStoreDB, but this build has no EventStoreDB adapter`, { cause: error })
      }
      throw error
    }
    return { kind: 'esdb', store: await mod.openEsdbEventStore(value, options.idempotencyRetentionMs === undefined ? {} : { idempotencyRetentionMs: options.idempotencyRetentionMs }) }
  }
  throw new Error(`Unsupported GRIDLEDGER_STORE "${url}". Accepted forms: ${STORE_URL_FORMS.join('; ')}`)
}

/** A SQLite store exists once its file does and is not empty (SQLite turns an empty file into a new database). */
function sqliteFileExists(path: string): boolean {
  try {
    const stat = statSync(path)
    return !stat.isFile() || stat.size > 0
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return false
    throw error
  }
}
