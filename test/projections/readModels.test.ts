// Read-model stores (memory and SQLite): documents, checkpoints, all-or-nothing transactions,
// staged rebuilds.
import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createMemoryReadModels } from '../../src/projections/storage/memoryReadModels.js'
import type { ReadModelStore } from '../../src/projections/storage/readModelStore.js'
import { createSqliteReadModels } from '../../src/projections/storage/sqliteReadModels.js'

const kinds: Array<[string, () => ReadModelStore]> = [
  ['memory', () => createMemoryReadModels()],
  ['sqlite', () => createSqliteReadModels(new Database(':memory:'))],
]

for (const [kind, open] of kinds) {
  t.test(`${kind} read models`, async t => {
    t.test('documents round-trip as copies, listed in key order', async t => {
      const rm = open()
      t.equal(rm.get('plans', 'a'), undefined)
      const doc = { id: 'b', tags: ['£', 'x'] }
      rm.put('plans', 'b', doc)
      rm.put('plans', 'a', { id: 'a' })
      rm.put('other', 'a', { id: 'other' })
      doc.tags.push('mutated after put')
      t.same(rm.get('plans', 'b'), { id: 'b', tags: ['£', 'x'] }, 'what is stored is what was put')
      const got = rm.get<{ tags: string[] }>('plans', 'b')!
      got.tags.push('mutated after get')
      t.same(rm.get('plans', 'b'), { id: 'b', tags: ['£', 'x'] }, 'a reader cannot change what is stored')
      t.same(rm.list('plans'), [{ id: 'a' }, { id: 'b', tags: ['£', 'x'] }])
      rm.delete('plans', 'a')
      t.same(rm.list('plans'), [{ id: 'b', tags: ['£', 'x'] }])
      t.throws(() => rm.put('plans', 'c', undefined), TypeError)
    })

    t.test('checkpoints', async t => {
      const rm = open()
      t.equal(rm.checkpoint('p'), 0)
      rm.setCheckpoint('p', 42)
      t.equal(rm.checkpoint('p'), 42)
      t.throws(() => rm.setCheckpoint('p', -1), TypeError)
    })

    t.test('a transaction commits all or nothing; inside it reads see its writes and the working copy', async t => {
      const rm = open()
      rm.put('c', 'k', { n: 1 })
      rm.transaction(tx => {
        const doc = tx.get<{ n: number }>('c', 'k')!
        doc.n = 2
        t.equal(tx.get('c', 'k'), doc, 'the same working copy each time')
        tx.put('c', 'k', doc)
        tx.put('c', 'new', { n: 3 })
        tx.setCheckpoint('p', 7)
        t.same(tx.list('c'), [{ n: 2 }, { n: 3 }])
        t.equal(tx.checkpoint('p'), 7)
        t.same(rm.get('c', 'k'), { n: 1 }, 'outside the transaction nothing yet')
      })
      t.same(rm.get('c', 'k'), { n: 2 })
      t.equal(rm.checkpoint('p'), 7)
      t.throws(() => rm.transaction(tx => {
        tx.put('c', 'k', { n: 99 })
        tx.delete('c', 'new')
        tx.setCheckpoint('p', 8)
        throw new Error('boom')
      }), /boom/)
      t.same(rm.list('c'), [{ n: 2 }, { n: 3 }], 'rolled back')
      t.equal(rm.checkpoint('p'), 7)
      t.throws(() => rm.transaction(tx => tx.put('c', 'bad', { n: 1n })), 'a document that is not JSON fails the whole transaction')
      t.equal(rm.get('c', 'bad'), undefined)
      t.throws(() => rm.transaction(() => Promise.resolve()), TypeError, 'transactions are synchronous')
    })

    t.test('nested transactions roll back on their own', async t => {
      const rm = open()
      rm.put('c', 'k', { n: 1, list: [1] })
      rm.transaction(tx => {
        tx.put('c', 'a', { ok: true })
        t.throws(() => tx.transaction(inner => {
          const doc = inner.get<{ n: number; list: number[] }>('c', 'k')!
          doc.list.push(2)
          inner.put('c', 'k', { ...doc, n: 2 })
          throw new Error('inner')
        }))
        t.same(tx.get('c', 'k'), { n: 1, list: [1] }, 'the inner change is gone')
        tx.transaction(inner => inner.put('c', 'b', { ok: true }))
      })
      t.same(rm.list('c').length, 3)
    })

    t.test('clear drops collections and checkpoints', async t => {
      const rm = open()
      rm.put('a', '1', {})
      rm.put('b', '1', {})
      rm.setCheckpoint('pa', 5)
      rm.setCheckpoint('pb', 6)
      rm.clear(['a'], ['pa'])
      t.same(rm.list('a'), [])
      t.same(rm.list('b'), [{}])
      t.equal(rm.checkpoint('pa'), 0)
      t.equal(rm.checkpoint('pb'), 6)
    })

    t.test('staged writes are invisible until commit, then replace at once', async t => {
      const rm = open()
      rm.put('a', 'old', { v: 'old' })
      rm.setCheckpoint('pa', 10)
      const staged = rm.staged()
      staged.clear(['a'], ['pa'])
      t.same(staged.list('a'), [], 'the stage sees its clear')
      t.equal(staged.checkpoint('pa'), 0)
      await new Promise(r => setImmediate(r))
      staged.put('a', 'new', { v: 'new' })
      staged.setCheckpoint('pa', 3)
      t.same(rm.list('a'), [{ v: 'old' }], 'readers still see the old model')
      staged.commit()
      t.same(rm.list('a'), [{ v: 'new' }])
      t.equal(rm.checkpoint('pa'), 3)
      t.throws(() => staged.put('a', 'x', {}), /ended/, 'a committed stage is closed')
    })
  })
}

t.test('sqlite read models live in the given database, created idempotently, and persist', async t => {
  const file = join(mkdtempSync(join(tmpdir(), 'gridledger-rm-')), 'rm.db')
  let db = new Database(file)
  let rm = createSqliteReadModels(db)
  rm.put('plans', 'p1', { id: 'p1', title: '£ plan' })
  rm.setCheckpoint('planCatalogue', 12)
  createSqliteReadModels(db)
  db.close()
  db = new Database(file)
  rm = createSqliteReadModels(db)
  t.same(rm.get('plans', 'p1'), { id: 'p1', title: '£ plan' })
  t.equal(rm.checkpoint('planCatalogue'), 12)
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
  t.same(tables.map(r => r.name), ['projection_checkpoints', 'read_models'])
  db.close()
})

t.test("sqlite read models commit without their own fsync and leave the store's own setting as it was", async t => {
  const { openSqliteEventStore } = await import('../../src/store/sqliteEventStore.js')
  const { createSqliteReadModels } = await import('../../src/projections/storage/sqliteReadModels.js')
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const store = openSqliteEventStore(join(mkdtempSync(join(tmpdir(), 'gl-rm-')), 'rm.db'), { durability: 'commit' })
  t.teardown(() => store.close())
  const rm = createSqliteReadModels(store.db)
  let inside: unknown
  rm.transaction(tx => {
    tx.put('c', 'k', { a: 1 })
    inside = store.db.pragma('synchronous', { simple: true })
  })
  t.equal(inside, 1, 'NORMAL inside the read-model transaction')
  t.equal(store.db.pragma('synchronous', { simple: true }), 2, 'FULL again for the event store')
  t.throws(() => rm.transaction(() => { throw new Error('boom') }))
  t.equal(store.db.pragma('synchronous', { simple: true }), 2, 'FULL again after a failed transaction')
  t.same(rm.get('c', 'k'), { a: 1 })
  // A 'wal-fsync' store runs at NORMAL itself and stays there.
  const walStore = openSqliteEventStore(join(mkdtempSync(join(tmpdir(), 'gl-rm-')), 'rm.db'))
  t.teardown(() => walStore.close())
  createSqliteReadModels(walStore.db).transaction(tx => tx.put('c', 'k', { b: 2 }))
  t.equal(walStore.db.pragma('synchronous', { simple: true }), 1, 'NORMAL, as the wal-fsync store set it')
})
