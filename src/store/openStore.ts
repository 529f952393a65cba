// Opens the event store named by a GRIDLEDGER_STORE value:
//   memory:                      in-memory (tests, demos; nothing persisted)
//   sqlite:<path>                SQLite file, e.g. sqlite:./data/gridledger.db; sqlite::memory:
//   esdb://…, esdb+discover://…, kurrentdb://…, kurrentdb+discover://…   EventStoreDB / KurrentDB
import type { EventStore } from './eventStore.js'
import { createMemoryEventStore } from './memoryEventStore.js'

export const STORE_URL_FORMS = ['memory:', 'sqlite:<path> (e.g. sqlite:./data/gridledger.db, sqlite::memory:)', 'esdb://host:2113?tls=false', 'esdb+discover://…', 'kurrentdb://…', 'kurrentdb+discover://…']

const ESDB_SCHEMES = ['esdb://', 'esdb+discover://', 'kurrentdb://', 'kurrentdb+discover://']

interface EsdbModule {
  openEsdbEventStore(url: string): Promise<EventStore> | EventStore
}

export async function openStore(url: string): Promise<EventStore> {
  const value = typeof url === 'string' ? url.trim() : ''
  if (value === 'memory:' || value === 'memory') return createMemoryEventStore()
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length)
    if (path.length === 0) throw new Error(`GRIDLEDGER_STORE "${url}" names no SQLite file: use sqlite:<path>, e.g. sqlite:./data/gridledger.db or sqlite::memory:`)
    // Loaded on demand so the memory and EventStoreDB stores do not load the native module.
    const { openSqliteEventStore } = await import('./sqliteEventStore.js')
    return openSqliteEventStore(path)
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
    return await mod.openEsdbEventStore(value)
  }
  throw new Error(`Unsupported GRIDLEDGER_STORE "${url}". Accepted forms: ${STORE_URL_FORMS.join('; ')}`)
}
