import t, { type Test } from 'tap'
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuplicateEventError, IdempotencyKeyTakenError, StoreUnavailableError, VersionConflictError, type AppendResult, type StoredEvent } from '../../src/store/eventStore.js'
import { eventHash, verifyChain } from '../../src/store/hashChain.js'
import { createMemoryEventStore } from '../../src/store/memoryEventStore.js'
import { openStore } from '../../src/store/openStore.js'
import { MIGRATIONS, openSqliteEventStore, SqliteEventStore, type SqliteEventStoreOptions } from '../../src/store/sqliteEventStore.js'
import { newEvent, storeContract } from './contract.js'

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gridledger-store-'))
}

storeContract(t, 'sqlite', async () => {
  const dir = tempDir()
  const path = join(dir, 'events.db')
  return {
    store: openSqliteEventStore(path),
    reopen: async () => openSqliteEventStore(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
})

storeContract(t, "sqlite (durability 'commit': synchronous=FULL, the sync inside COMMIT)", async () => {
  const dir = tempDir()
  const path = join(dir, 'events.db')
  return {
    store: openSqliteEventStore(path, { durability: 'commit' }),
    reopen: async () => openSqliteEventStore(path, { durability: 'commit' }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
})

storeContract(t, 'sqlite :memory:', async () => ({ store: openSqliteEventStore(':memory:') }))

/** A store in a fresh temp directory, closed and removed when the test ends. */
function fresh(t: Test, options?: SqliteEventStoreOptions): { store: SqliteEventStore; path: string; dir: string } {
  const dir = tempDir()
  const path = join(dir, 'nested', 'dir', 'events.db')
  const store = openSqliteEventStore(path, options)
  t.teardown(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { store, path, dir }
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

t.test('sqlite: schema migrations are versioned and idempotent', async t => {
  const { store, path } = fresh(t)
  t.ok(existsSync(path), 'the parent directory was created')
  const rows = () => store.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; name: string; applied_at: string }[]
  const applied = rows()
  t.same(applied.map(r => r.version), MIGRATIONS.map(m => m.version), 'every migration recorded once, in order')
  t.ok(MIGRATIONS.every((m, i) => i === 0 || m.version > MIGRATIONS[i - 1].version), 'migration versions increase')
  const tables = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(r => r.name)
  for (const table of ['events', 'idempotency', 'schema_migrations']) t.ok(tables.includes(table), `table ${table}`)
  await store.append('s', [newEvent()], { expectedVersion: 0 })
  await store.close()

  const again = openSqliteEventStore(path)
  t.strictSame(again.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all(), applied, 'reopening applies nothing')
  t.equal(await again.streamVersion('s'), 1, 'data kept')
  again.db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')`).run()
  await again.close()
  t.throws(() => openSqliteEventStore(path), /newer than this gridledger understands/, 'a database from a newer version is refused')
})

t.test('sqlite: pragmas', async t => {
  const { store } = fresh(t, { busyTimeoutMs: 1234 })
  t.equal(store.db.pragma('journal_mode', { simple: true }), 'wal', 'WAL journal')
  t.equal(store.db.pragma('synchronous', { simple: true }), 1, 'synchronous = NORMAL: the store syncs the WAL itself (wal-fsync)')
  const full = openSqliteEventStore(join(tempDir(), 'full.db'), { durability: 'commit' })
  t.teardown(() => full.close())
  t.equal(full.db.pragma('synchronous', { simple: true }), 2, "synchronous = FULL with durability 'commit'")
  t.equal(store.db.pragma('busy_timeout', { simple: true }), 1234, 'busy_timeout from the options')
  t.equal(store.db.pragma('wal_autocheckpoint', { simple: true }), 4000, 'checkpoints every 4000 WAL pages')
  t.equal(store.db.pragma('journal_size_limit', { simple: true }), 4000 * 4096 * 2, 'the WAL file is cut back after a checkpoint')
  t.equal(store.db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys on')
})

t.test('sqlite: group commit', async t => {
  const { store, path } = fresh(t, { maxBatch: 100 })
  const before = store.stats.commits
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => store.append(`g-${i}`, [newEvent('G', { i })], { expectedVersion: 0 })))
  const commits = store.stats.commits - before
  t.ok(commits <= 3, `200 concurrent appends in ${commits} transaction(s)`)
  t.equal(store.stats.largestBatch, 100, 'batches are as large as maxBatch allows')
  t.equal(new Set(results.map(r => r.position)).size, 200, 'every append got its own position')

  // One batch: successes, conflicts and duplicates side by side; same-stream appends see each other.
  const dup = newEvent('Dup')
  await store.append('mixed-dup', [dup], { expectedVersion: 0 })
  const c0 = store.stats.commits
  const outcomes = await Promise.allSettled([
    store.append('mixed-a', [newEvent()], { expectedVersion: 0 }),
    store.append('mixed-a', [newEvent()], { expectedVersion: 0 }), // conflicts with the one before
    store.append('mixed-a', [newEvent(), newEvent()], { expectedVersion: 1 }), // sees the first
    store.append('mixed-other', [dup], { expectedVersion: 0 }), // stored in another stream
    store.append('mixed-dup', [dup], { expectedVersion: 9 }), // idempotent retry
    store.append('mixed-b', [newEvent()], { expectedVersion: 0 }),
  ])
  t.equal(store.stats.commits - c0, 1, 'one transaction for the whole batch')
  t.same(outcomes.map(o => o.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
  t.ok((outcomes[1] as PromiseRejectedResult).reason instanceof VersionConflictError, 'its own conflict')
  t.match((outcomes[1] as PromiseRejectedResult).reason, { expected: 0, actual: 1 })
  t.ok((outcomes[3] as PromiseRejectedResult).reason instanceof DuplicateEventError, 'its own duplicate error')
  t.equal((outcomes[2] as PromiseFulfilledResult<AppendResult>).value.version, 3, 'the second append to a stream builds on the first in the same batch')
  t.equal((outcomes[4] as PromiseFulfilledResult<AppendResult>).value.duplicate, true)
  t.equal(await store.streamVersion('mixed-a'), 3)
  t.equal(await store.streamVersion('mixed-other'), 0)
  t.ok(verifyChain('mixed-a', await store.readStream('mixed-a')).ok, 'chain across savepoints')

  // Acknowledged means committed: another connection sees the events as soon as append resolves.
  const other = new Database(path, { readonly: true })
  t.teardown(() => other.close())
  const count = other.prepare('SELECT COUNT(*) AS n FROM events WHERE stream_id = ?')
  const acked = await Promise.all(Array.from({ length: 5 }, (_, i) => store.append('visible', [newEvent()], { expectedVersion: 'any' }).then(r => ({ i, r, seen: (count.get('visible') as { n: number }).n }))))
  t.ok(acked.every(a => a.seen >= a.r.version), 'each resolved append is visible to another connection')
})

t.test("sqlite: 'wal-fsync' acknowledges and shows a commit only after the WAL's fdatasync", async t => {
  // A sync that waits to be released, so the test sees each step.
  const syncs: Array<(error: NodeJS.ErrnoException | null) => void> = []
  const { store, path } = fresh(t, { maxBatch: 2, syncFile: (_fd, done) => syncs.push(done) })
  const other = new Database(path, { readonly: true })
  t.teardown(() => other.close())
  const stored = () => (other.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n
  const settled: string[] = []
  const a = store.append('w', [newEvent('A')], { expectedVersion: 0 }).then(r => settled.push(`a${r.version}`))
  const b = store.append('w', [newEvent('B')], { expectedVersion: 1 }).then(r => settled.push(`b${r.version}`))
  const c = store.append('w', [newEvent('C')], { expectedVersion: 2 }).then(r => settled.push(`c${r.version}`))
  await new Promise(resolve => setTimeout(resolve, 20))
  t.equal(store.stats.commits, 2, 'both batches committed (maxBatch 2): the second while the first syncs')
  t.equal(stored(), 3, 'committed rows are in the file')
  t.equal(syncs.length, 1, 'one fdatasync at a time')
  t.same(settled, [], 'nothing acknowledged before its sync')
  let read: number | null = null
  void store.streamVersion('w').then(v => (read = v))
  let events: number | null = null
  void store.readAll({ after: 0, limit: 10 }).then(e => (events = e.length))
  await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(read, null, 'a read waits until what it saw is synced')
  t.equal(events, null, 'so does a read of unsynced events')
  t.same(await store.readStream('quiet'), [], 'a read that saw nothing unsynced answers at once')
  t.equal(await store.findIdempotency('no-such-key'), null, 'so does an idempotency lookup that finds nothing')
  syncs.shift()!(null)
  await Promise.all([a, b])
  t.same(settled, ['a1', 'b2'], 'the first sync settles the first batch only')
  t.equal(read, null, 'the read saw the second batch too')
  t.equal(syncs.length, 1, 'the next sync started at once, for the commit made meanwhile')
  syncs.shift()!(null)
  await c
  t.same(settled, ['a1', 'b2', 'c3'])
  await new Promise(resolve => setImmediate(resolve))
  t.equal(read, 3)
  t.equal(events, 3)
  // Now durable: events at or below the synced position answer at once even while a new commit syncs.
  const d = store.append('w', [newEvent('D')], { expectedVersion: 3 })
  await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(syncs.length, 1, 'a sync is pending')
  t.equal((await store.readAll({ after: 0, limit: 3 })).length, 3, 'synced events are read without waiting for it')
  t.equal((await store.readStream('w', { toVersion: 3 })).length, 3)
  syncs.shift()!(null)
  t.equal((await d).version, 4)
})

t.test("sqlite: 'wal-fsync' syncs what an earlier process committed before reading it", async t => {
  const { store, path } = fresh(t)
  await store.append('p', [newEvent('P')], { expectedVersion: 0 })
  const synced: number[] = []
  const second = openSqliteEventStore(path, { syncFile: (fd, done) => (synced.push(fd), done(null)) })
  t.teardown(() => second.close())
  t.equal((await second.readAll({ after: 0, limit: 10 })).length, 1, 'what was there at open reads at once')
  t.same(synced, [], 'the sync at open is its own, before any append')
})

t.test("sqlite: 'wal-fsync' after a failed fdatasync refuses appends until reopened", async t => {
  let fail = true
  const { store, path } = fresh(t, { syncFile: (fd, done) => (fail ? done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : done(null)) })
  const first = await rejectionOf(store.append('f', [newEvent('F')], { expectedVersion: 0 }))
  t.ok(first instanceof StoreUnavailableError, 'the unsynced append is not acknowledged')
  t.match(String(first), /fdatasync of the WAL failed: EIO/)
  fail = false
  t.ok((await rejectionOf(store.append('f', [newEvent('G')], { expectedVersion: 'any' }))) instanceof StoreUnavailableError, 'no later append either: the failed sync is not retried')
  await t.rejects(store.streamVersion('f'), StoreUnavailableError, 'reads of unsynced commits fail too')
  await store.close()
  const again = openSqliteEventStore(path)
  t.teardown(() => again.close())
  const r = await again.append('f', [newEvent('H')], { expectedVersion: 'any' })
  t.ok(verifyChain('f', await again.readStream('f')).ok, `reopened, the store appends again (version ${r.version}) and its chain holds`)
})

t.test('sqlite: stream heads kept between batches follow other connections and failed batches', async t => {
  const { store, path } = fresh(t)
  const other = openSqliteEventStore(path)
  t.teardown(() => other.close())
  // Alternate writers on one stream: each must chain from the other's last event.
  for (let i = 0; i < 6; i++) {
    const writer = i % 2 === 0 ? store : other
    const r = await writer.append('shared', [newEvent('S', { i })], { expectedVersion: i })
    t.equal(r.version, i + 1)
  }
  const any = await store.append('shared', [newEvent('S'), newEvent('S')], { expectedVersion: 'any' })
  t.equal(any.version, 8, "'any' appends after the other connection's events")
  t.ok(verifyChain('shared', await other.readStream('shared')).ok, 'one unbroken chain across both connections')

  // A retry of a stored append is found on a version conflict and on a taken id alike.
  const stored = [newEvent('R'), newEvent('R')]
  const first = await store.append('retry', stored, { expectedVersion: 0 })
  const retried = await store.append('retry', stored, { expectedVersion: 0 })
  t.equal(retried.duplicate, true, 'retry with its old expected version')
  t.same(retried.events.map(e => e.hash), first.events.map(e => e.hash))
  t.equal((await store.append('retry', stored, { expectedVersion: 'any' })).duplicate, true, "retry with 'any'")
  await t.rejects(store.append('retry', [newEvent('R'), stored[1]], { expectedVersion: 'any' }), DuplicateEventError, 'a new id beside a stored one')
  t.equal(await store.streamVersion('retry'), 2, 'nothing of it stored')
  // Two appends with one id in one batch: the second is the first's retry.
  const once = newEvent('Once')
  const [a, b] = await Promise.all([store.append('twice', [once], { expectedVersion: 'any' }), store.append('twice', [once], { expectedVersion: 'any' })])
  t.same([a.duplicate, b.duplicate, a.position === b.position], [false, true, true])

  // A batch that fails to commit leaves no head behind: the next append chains from what is stored.
  const pages = store.db.pragma('page_count', { simple: true }) as number
  store.db.pragma(`max_page_count = ${pages}`)
  const big = { blob: 'x'.repeat(200_000) }
  await t.rejects(store.append('shared', [newEvent('Big', big)], { expectedVersion: 8 }), StoreUnavailableError)
  store.db.pragma('max_page_count = 1073741823')
  t.equal((await store.append('shared', [newEvent('S')], { expectedVersion: 8 })).version, 9)
  t.ok(verifyChain('shared', await store.readStream('shared')).ok)
})

t.test('sqlite: faults give StoreUnavailableError and the store recovers', async t => {
  t.test('disk full (max_page_count)', async t => {
    const { store } = fresh(t)
    await store.append('full', [newEvent()], { expectedVersion: 0 })
    const pages = store.db.pragma('page_count', { simple: true }) as number
    store.db.pragma(`max_page_count = ${pages}`)
    const big = { blob: 'x'.repeat(200_000) }
    const failed = await Promise.allSettled([
      store.append('full', [newEvent('Small')], { expectedVersion: 1 }),
      store.append('full-big', [newEvent('Big', big)], { expectedVersion: 0 }),
      store.append('full-small', [newEvent('Small')], { expectedVersion: 0 }),
    ])
    t.ok(failed.every(r => r.status === 'rejected' && r.reason instanceof StoreUnavailableError), 'every append of the failed batch rejects with StoreUnavailableError')
    t.match((failed[1] as PromiseRejectedResult).reason, { cause: { code: 'SQLITE_FULL' } }, 'caused by SQLITE_FULL')
    t.equal(await store.streamVersion('full'), 1, 'nothing of the batch stored')
    t.equal(await store.streamVersion('full-small'), 0)
    await store.ping()
    t.pass('reads still work')
    store.db.pragma('max_page_count = 1073741823')
    const r = await store.append('full-big', [newEvent('Big', big)], { expectedVersion: 0 })
    t.equal(r.version, 1, 'appends succeed once space is back')
    t.equal((await store.append('full', [newEvent()], { expectedVersion: 1 })).version, 2)
    t.ok(verifyChain('full', await store.readStream('full')).ok)
  })

  t.test('read-only database', async t => {
    const { store } = fresh(t)
    await store.append('ro', [newEvent()], { expectedVersion: 0 })
    store.db.pragma('query_only = ON')
    const error = await rejectionOf(store.append('ro', [newEvent()], { expectedVersion: 1 }))
    t.ok(error instanceof StoreUnavailableError, 'StoreUnavailableError')
    t.match(error, { cause: { code: /^SQLITE_READONLY/ } })
    t.equal(await store.streamVersion('ro'), 1, 'reads still work')
    store.db.pragma('query_only = OFF')
    t.equal((await store.append('ro', [newEvent()], { expectedVersion: 1 })).version, 2, 'recovers')
  })

  t.test('database locked by another process', async t => {
    const { store, path } = fresh(t, { busyTimeoutMs: 30 })
    await store.append('busy', [newEvent()], { expectedVersion: 0 })
    const other = new Database(path)
    t.teardown(() => other.close())
    other.exec('BEGIN IMMEDIATE')
    const error = await rejectionOf(store.append('busy', [newEvent()], { expectedVersion: 1 }))
    t.ok(error instanceof StoreUnavailableError, 'StoreUnavailableError while another writer holds the lock')
    t.match(error, { cause: { code: /^SQLITE_BUSY/ } })
    other.exec('ROLLBACK')
    t.equal((await store.append('busy', [newEvent()], { expectedVersion: 1 })).version, 2, 'recovers when the lock is released')
  })

  t.test('closed store', async t => {
    const { store } = fresh(t)
    await store.close()
    t.ok((await rejectionOf(store.readStream('x'))) instanceof StoreUnavailableError, 'reads after close')
    t.ok((await rejectionOf(store.ping())) instanceof StoreUnavailableError, 'ping after close')
  })

  t.test('unopenable path', async t => {
    const dir = tempDir()
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    t.throws(() => openSqliteEventStore(dir), StoreUnavailableError, 'a directory is not a database')
  })
})

t.test('sqlite: tampering with the file breaks the chain at the right event', async t => {
  const { store } = fresh(t)
  const streams = ['edit', 'delete', 'swap', 'rehash', 'meta']
  for (const s of streams) {
    await store.append(s, [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })], { expectedVersion: 0 })
    await store.append(s, [newEvent('C', { n: 3 })], { expectedVersion: 2 })
    await store.append(s, [newEvent('D', { n: 4 })], { expectedVersion: 3 })
    t.ok(verifyChain(s, await store.readStream(s)).ok, `${s}: intact before tampering`)
  }
  const db = store.db
  db.prepare(`UPDATE events SET data = json_set(data, '$.n', 99) WHERE stream_id = 'edit' AND version = 3`).run()
  db.prepare(`DELETE FROM events WHERE stream_id = 'delete' AND version = 2`).run()
  db.exec(`
    UPDATE events SET data = CASE version WHEN 2 THEN (SELECT data FROM events WHERE stream_id = 'swap' AND version = 3)
                                          ELSE (SELECT data FROM events WHERE stream_id = 'swap' AND version = 2) END
    WHERE stream_id = 'swap' AND version IN (2, 3)`)
  // A careful forger rewrites the payload AND its hash: the next event's link gives it away.
  const [, second] = await store.readStream('rehash')
  const forged = { ...second, data: { n: 200 } }
  db.prepare(`UPDATE events SET data = ?, hash = ? WHERE stream_id = 'rehash' AND version = 2`).run(JSON.stringify(forged.data), eventHash(forged.prevHash, 'rehash', 2, forged))
  db.prepare(`UPDATE events SET metadata = '{"actor":"someone else"}' WHERE stream_id = 'meta' AND version = 4`).run()

  const expected: Record<string, number> = { edit: 3, delete: 2, swap: 2, rehash: 3, meta: 4 }
  for (const s of streams) {
    const verdict = verifyChain(s, await store.readStream(s))
    t.equal(verdict.ok, false, `${s}: chain broken`)
    t.equal(verdict.firstBadPosition, expected[s], `${s}: first bad event is ${expected[s]} (${verdict.detail})`)
  }
  t.ok((await store.readStream('swap'))[1].data.n === 3, 'the swap really happened')
})

t.test('sqlite: idempotency records are kept at least 24 hours', async t => {
  const { store } = fresh(t)
  const now = new Date('2024-03-01T12:00:00.000Z')
  const insert = store.db.prepare(`INSERT INTO idempotency (key, fingerprint, response, stream_id, created_at) VALUES (?, 'f', 'null', 's', ?)`)
  insert.run('old', '2024-02-27T12:00:00.000Z')
  insert.run('day-and-a-bit', '2024-02-29T11:00:00.000Z')
  insert.run('recent', '2024-03-01T11:00:00.000Z')
  t.equal(await store.pruneIdempotency(now, now), 2, 'asking to prune everything only prunes records older than 24h')
  t.ok(await store.findIdempotency('recent'), 'a record from an hour ago is kept')
  t.equal(await store.findIdempotency('old'), null)
  t.equal(await store.pruneIdempotency(new Date('2020-01-01T00:00:00Z'), now), 0, 'an earlier cut-off prunes less')
  await store.append('s', [newEvent()], { expectedVersion: 0, idempotency: { key: 'fresh', fingerprint: 'f', response: 1 } })
  t.equal(await store.pruneIdempotency(new Date(Date.now() + 60_000)), 1, 'with the real clock, only the 2024 record goes')
  t.ok(await store.findIdempotency('fresh'), 'a record created now survives a prune asked for the future')
})

t.test('sqlite: local semantics and helpers', async t => {
  const { store } = fresh(t)
  const a = newEvent()
  t.ok((await rejectionOf(store.append('s', [a, a], { expectedVersion: 0 }))) instanceof DuplicateEventError, 'the same id twice in one append')
  const idempotency = { key: 'k', fingerprint: 'f', response: { ok: 1 } }
  await store.append('s', [a], { expectedVersion: 0, idempotency })
  t.ok((await rejectionOf(store.append('s', [a], { expectedVersion: 0, idempotency }))) instanceof IdempotencyKeyTakenError, 'a taken key wins over an event-id duplicate')
  t.match(await store.append('s', [], { expectedVersion: 1 }), { version: 1, events: [], duplicate: false }, 'an empty append only checks the version')
  t.ok((await rejectionOf(store.append('s', [], { expectedVersion: 0 }))) instanceof VersionConflictError)
  t.ok((await rejectionOf(store.append('s', [{ ...newEvent(), data: null as unknown as Record<string, unknown> }], { expectedVersion: 1 }))) instanceof TypeError, 'malformed events are refused')
  store.transaction(() => {
    store.db.exec('CREATE TABLE IF NOT EXISTS read_model (k TEXT PRIMARY KEY, v TEXT)')
    store.db.prepare(`INSERT INTO read_model VALUES ('a', 'b')`).run()
  })
  t.same(store.db.prepare('SELECT * FROM read_model').all(), [{ k: 'a', v: 'b' }], 'transaction() and db share the store file')
  t.throws(() => store.transaction(() => { store.db.prepare(`INSERT INTO read_model VALUES ('c', 'd')`).run(); throw new Error('rollback') }), /rollback/)
  t.equal((store.db.prepare('SELECT COUNT(*) AS n FROM read_model').get() as { n: number }).n, 1, 'a throwing transaction rolls back')
})

t.test('openStore parses GRIDLEDGER_STORE', async t => {
  const memory = await openStore('memory:')
  t.ok(typeof memory.append === 'function' && !(memory instanceof SqliteEventStore), 'memory: gives the memory store')
  t.equal(Object.getPrototypeOf(memory), Object.getPrototypeOf(createMemoryEventStore()))
  await memory.close()
  const dir = tempDir()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  await t.rejects(openStore(`sqlite:${join(dir, 'sub', 'store.db')}`), { name: 'StoreNotFoundError' }, 'a store that does not exist is refused unless create is asked for')
  t.notOk(existsSync(join(dir, 'sub', 'store.db')), 'and nothing is made there')
  const created: string[] = []
  const file = await openStore(`sqlite:${join(dir, 'sub', 'store.db')}`, { create: true, onCreate: p => created.push(p) })
  t.ok(file instanceof SqliteEventStore, 'sqlite:<path>')
  t.ok(existsSync(join(dir, 'sub', 'store.db')))
  t.same(created, [join(dir, 'sub', 'store.db')], 'the creation is reported')
  await file.close()
  const again = await openStore(`sqlite:${join(dir, 'sub', 'store.db')}`, { onCreate: p => created.push(p) })
  t.equal(created.length, 1, 'an existing store opens without create and is not reported as new')
  await again.close()
  const mem = await openStore('sqlite::memory:')
  t.ok(mem instanceof SqliteEventStore, 'sqlite::memory:')
  t.equal((mem as SqliteEventStore).path, ':memory:')
  await mem.close()
  await t.rejects(openStore('postgres://localhost/db'), /Accepted forms: memory:; sqlite:<path>.*esdb:\/\//, 'unknown schemes list the accepted forms')
  await t.rejects(openStore('sqlite:'), /names no SQLite file/)
  await t.rejects(openStore(''), /Unsupported GRIDLEDGER_STORE/)
})

t.test("sqlite: a live subscription is handed this process's commits instead of reading them back, and reads what it was not handed", async t => {
  const { store, path } = fresh(t)
  const readAll = store.readAll.bind(store)
  let reads = 0
  store.readAll = options => {
    reads++
    return readAll(options)
  }
  const delivered: StoredEvent[] = []
  let release: () => void = () => undefined
  let slow: Promise<void> | null = null
  let caughtUp = false
  const sub = store.subscribe({
    after: 0,
    onEvent: async e => {
      delivered.push(e)
      if (slow) await slow
    },
    onCaughtUp: () => void (caughtUp = true),
  })
  t.teardown(() => sub.close())
  const until = async (what: () => boolean, label: string) => {
    for (let i = 0; i < 500 && !what(); i++) await new Promise(r => setTimeout(r, 10))
    t.ok(what(), label)
  }
  await until(() => caughtUp, 'caught up')
  const readsAtStart = reads
  // 64 writers, 4 appends each: group commits of many appends.
  await Promise.all(Array.from({ length: 64 }, (_, w) => (async () => {
    for (let i = 0; i < 4; i++) await store.append(`s-${w}`, [newEvent('Handed', { w, i })], { expectedVersion: i })
  })()))
  await until(() => delivered.length === 256, '256 delivered')
  t.equal(reads, readsAtStart, 'none of our own commits read back')
  t.same(delivered, await readAll({ after: 0, limit: 1000 }), 'exactly what the store holds, in position order')

  // Another connection's commit is not handed: it is read.
  const other = openSqliteEventStore(path)
  t.teardown(() => other.close())
  await other.append('other', [newEvent('Elsewhere'), newEvent('Elsewhere')], { expectedVersion: 0 })
  await store.append('mine', [newEvent('Mine')], { expectedVersion: 0 })
  store.checkOtherWriters()
  await until(() => delivered.length === 259, "the other connection's events and ours")
  t.ok(reads > readsAtStart, 'read from the store')
  t.same(delivered, await readAll({ after: 0, limit: 1000 }), 'nothing missed, nothing twice, in order')

  // A slow subscriber handed more than it holds reads the rest from the store.
  slow = new Promise<void>(resolve => (release = resolve))
  await Promise.all(Array.from({ length: 40 }, (_, w) => store.append(`slow-${w}`, Array.from({ length: 30 }, () => newEvent('Many')), { expectedVersion: 0 })))
  release()
  slow = null
  await until(() => delivered.length === 259 + 1200, 'all 1,200 delivered')
  t.same(delivered.map(e => e.position), (await readAll({ after: 0, limit: 5000 })).map(e => e.position), 'in order, none missed or repeated')
})
