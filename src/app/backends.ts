// One factory per store kind: the event store and the read models that go with it. SQLite keeps
// its read models in the store's own database (a projection's documents and its checkpoint
// commit in one transaction); the memory and EventStoreDB stores keep them in memory, rebuilt
// from the events at start.
import { createMemoryReadModels } from '../projections/storage/memoryReadModels.js'
import type { ReadModelStore } from '../projections/storage/readModelStore.js'
import { createSqliteReadModels } from '../projections/storage/sqliteReadModels.js'
import type { EventStore } from '../store/eventStore.js'
import { createMemoryEventStore } from '../store/memoryEventStore.js'
import { openStoreOfKind, type OpenStoreOptions } from '../store/openStore.js'
import type { SqliteEventStore } from '../store/sqliteEventStore.js'

export interface Backend {
  store: EventStore
  readModels: ReadModelStore
}

export function memoryBackend(store: EventStore = createMemoryEventStore()): Backend {
  return { store, readModels: createMemoryReadModels() }
}

export function sqliteBackend(store: SqliteEventStore): Backend {
  return { store, readModels: createSqliteReadModels(store.db) }
}

export function esdbBackend(store: EventStore): Backend {
  return { store, readModels: createMemoryReadModels() }
}

/** Opens the store a GRIDLEDGER_STORE value names, with its read models. */
export async function openBackend(url: string, options: OpenStoreOptions = {}): Promise<Backend> {
  const opened = await openStoreOfKind(url, options)
  switch (opened.kind) {
    case 'memory':
      return memoryBackend(opened.store)
    case 'sqlite':
      return sqliteBackend(opened.store)
    case 'esdb':
      return esdbBackend(opened.store)
  }
}
