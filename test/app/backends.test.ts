// One factory per store kind: each pairs the store with its read models, and openBackend picks
// the factory from the GRIDLEDGER_STORE value.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryBackend, openBackend, sqliteBackend } from '../../src/app/backends.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { StoreNotFoundError } from '../../src/store/openStore.js'
import { openSqliteEventStore, SqliteEventStore } from '../../src/store/sqliteEventStore.js'

t.test('SQLite: the read models live in the store\'s own database', async t => {
  const path = join(mkdtempSync(join(tmpdir(), 'gl-backend-')), 'store.db')
  await t.rejects(openBackend(`sqlite:${path}`), StoreNotFoundError, 'a missing store is not created unless asked')
  const backend = await openBackend(`sqlite:${path}`, { create: true })
  t.teardown(() => backend.store.close())
  t.type(backend.store, SqliteEventStore)
  backend.readModels.put('things', 'a', { n: 1 })
  const db = (backend.store as SqliteEventStore).db
  t.same(db.prepare(`SELECT collection, key, doc FROM read_models`).all(), [{ collection: 'things', key: 'a', doc: '{"n":1}' }], 'written through the store\'s connection')
  const again = sqliteBackend(openSqliteEventStore(path))
  t.teardown(() => again.store.close())
  t.same(again.readModels.get('things', 'a'), { n: 1 }, 'and found there by the next process')
})

t.test('memory: the read models are in memory, apart from the store', async t => {
  const backend = await openBackend('memory:')
  t.notOk(backend.store instanceof SqliteEventStore, 'the memory adapter')
  backend.readModels.put('things', 'a', { n: 1 })
  t.same(backend.readModels.list('things'), [{ n: 1 }])
  t.same(memoryBackend(backend.store).readModels.list('things'), [], 'each backend has its own')
  t.same(memoryBackend(createMemoryEventStore()).readModels.checkpoint('x'), 0)
  await backend.store.close()
})

t.test('an unknown store is refused before anything is opened', async t => {
  await t.rejects(openBackend('postgres://localhost/db'), /Unsupported GRIDLEDGER_STORE/)
})
