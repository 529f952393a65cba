// The projection runner on the memory and SQLite stores: fed from durable checkpoints, each
// batch's documents and checkpoints committed together, nothing applied twice, waitFor, and
// rebuild equal to live.
import t from 'tap'
import type tap from 'tap'
import { getCatalogueEntry, listPlans, planCatalogueProjection } from '../../src/projections/readModels/planCatalogue.js'
import { projectPlanState } from '../../src/projections/folds/planState.js'
import { createMemoryReadModels } from '../../src/projections/storage/memoryReadModels.js'
import type { ReadModelStore } from '../../src/projections/storage/readModelStore.js'
import { createSqliteReadModels } from '../../src/projections/storage/sqliteReadModels.js'
import { fromStored } from '../../src/projections/recordedEvent.js'
import { rebuildProjections, startProjections, type Projection } from '../../src/projections/readModels/runner.js'
import type { EventStore, StoredEvent } from '../../src/store/eventStore.js'
import { commissioner, PlanScript, provider } from './support/planScript.js'
import { appendScript, openMemory, openSqlite, tempDbPath, type Opened } from './support/stores.js'
import Database from 'better-sqlite3'

/** Counts every event it is given, all streams: applying one twice would show. */
function counting(name = 'count'): Projection & { failOn?: number; failures: number } {
  const p: Projection & { failOn?: number; failures: number } = {
    name,
    collections: [name],
    failures: 0,
    apply(event: StoredEvent, tx: ReadModelStore) {
      if (p.failOn === event.position) {
        p.failures++
        throw new Error(`cannot apply ${event.position}`)
      }
      const doc = tx.get<{ n: number; positions: number[] }>(name, 'all') ?? { n: 0, positions: [] }
      doc.n++
      doc.positions.push(event.position)
      tx.put(name, 'all', doc)
    },
  }
  return p
}

function samplePlan(planId: string, start = '2008-04-02T09:00:00.000Z') {
  const s = new PlanScript(planId, start).create('Doncaster', '2017/18')
  const g = s.grid(1, 'Recovery')
  const o = s.objective(g, 'More people in recovery', '1')
  const a = s.action(o, { text: 'Peer mentors', due: 'Qtr 2', owners: ['Aspire'], cost: '20K' })
  const b = s.action(o, { text: 'Mutual aid', due: 'Ongoing', owners: ['DM'] })
  s.at('2017-07-01T09:00:00Z').as(provider('Aspire')).run({ type: 'ReportProgress', actionId: a, effectiveDate: '2017-06-30', note: '3 mentors' })
  s.run({ type: 'ProposeRag', actionId: a, rag: 'green' })
  return { s, a, b }
}

async function tokenEvent(store: EventStore) {
  return store.append('tokens', [{ id: `tok-${Math.random()}`, type: 'TokenIssued', schemaVersion: 1, data: { tokenId: 't' }, metadata: {}, recordedAt: '2017-01-01T00:00:00.000Z' }], { expectedVersion: 'any' })
}

const kinds: Array<[string, () => Opened]> = [
  ['memory', openMemory],
  ['sqlite', () => openSqlite(':memory:')],
]

for (const [kind, open] of kinds) {
  t.test(`${kind}: given events appended while the runner is live, when waited for, then the catalogue holds each plan's current state`, async t => {
    const { store, readModels } = open()
    const count = counting()
    const runner = startProjections(store, readModels, [planCatalogueProjection, count])
    t.teardown(async () => {
      await runner.close()
      await store.close()
    })
    t.equal(await runner.waitFor(0, 100), true, 'an empty store is caught up at once')
    const one = samplePlan('p-one')
    const two = samplePlan('p-two', '2008-04-03T09:00:00.000Z')
    await appendScript(store, one.s)
    await tokenEvent(store)
    const head = await appendScript(store, two.s)
    t.equal(await runner.waitFor(head, 5000), true)
    t.equal(runner.position(), head)
    t.same(readModels.get<{ n: number }>('count', 'all')?.n, head, 'every event of every stream, once')
    t.same(listPlans(readModels).map(p => [p.id, p.version, p.ownerLabels]), [['p-one', 7, ['Aspire', 'DM']], ['p-two', 7, ['Aspire', 'DM']]])
    const entry = getCatalogueEntry(readModels, 'p-one')!
    const stored = (await store.readStream('plan-p-one')).map(fromStored)
    t.same(entry.state, projectPlanState(stored, { asOf: stored[stored.length - 1].recordedAt, effectiveOn: '9999-12-31' }), 'the incremental state equals the fold')
    t.equal(entry.state.grids[0].objectives[0].actions[0].proposedRag?.rag, 'green')
    t.equal(getCatalogueEntry(readModels, 'nope'), null)

    // Owners unassigned / actions withdrawn change the provider scoping labels.
    one.s.at('2017-08-01T00:00:00Z').as(commissioner)
    one.s.run({ type: 'WithdrawAction', actionId: one.a })
    const after = await appendScript(store, one.s)
    t.equal(await runner.waitFor(after), true)
    t.same(listPlans(readModels).find(p => p.id === 'p-one')?.ownerLabels, ['DM'])
  })

  t.test(`${kind}: waitFor times out, then resolves when the event arrives; false after close`, async t => {
    const { store, readModels } = open()
    const runner = startProjections(store, readModels, [counting()])
    t.equal(await runner.waitFor(1, 30), false, 'nothing at position 1 yet')
    const waiting = runner.waitFor(1, 5000)
    await tokenEvent(store)
    t.equal(await waiting, true)
    const never = runner.waitFor(99, 60_000)
    await runner.close()
    t.equal(await never, false, 'pending waits end with close')
    t.equal(await runner.waitFor(99), false)
    t.equal(await runner.waitFor(1), true)
    await runner.close()
    await store.close()
  })

  t.test(`${kind}: under a stream of events commits linger, but a waiting reader is served at once`, async t => {
    const { store, readModels } = open()
    const count = counting()
    const runner = startProjections(store, readModels, [count], { lingerMs: 60_000 })
    t.equal(await runner.waitFor(0, 100), true)
    await tokenEvent(store)
    await new Promise(resolve => setTimeout(resolve, 50))
    t.equal(runner.position(), 1, 'the first event after a quiet spell is committed at once')
    for (let i = 0; i < 3; i++) await tokenEvent(store)
    await new Promise(resolve => setTimeout(resolve, 50))
    t.equal(runner.position(), 1, 'events right after a commit wait for the linger window')
    t.equal(await runner.waitFor(4, 5000), true, 'a reader waiting for them flushes them without waiting the window out')
    t.same(readModels.get('count', 'all'), { n: 4, positions: [1, 2, 3, 4] })
    await runner.close()
    await store.close()
  })

  t.test(`${kind}: a failing apply commits nothing of its batch, is reported, and is retried from the checkpoint`, async t => {
    const { store, readModels } = open()
    for (let i = 0; i < 5; i++) await tokenEvent(store)
    const count = counting()
    count.failOn = 3
    const errors: unknown[] = []
    const runner = startProjections(store, readModels, [count], {
      retryDelayMs: 10,
      onError: e => {
        errors.push(e)
        count.failOn = undefined // the fault clears
      },
    })
    t.equal(await runner.waitFor(5, 5000), true)
    t.ok(errors.length >= 1)
    t.match(String(runner.lastError?.()), /cannot apply 3/)
    t.same(readModels.get('count', 'all'), { n: 5, positions: [1, 2, 3, 4, 5] }, 'each event applied exactly once')
    t.equal(readModels.checkpoint('count'), 5)
    await runner.close()
    await store.close()
  })

  t.test(`${kind}: checkpoints moved back under a live runner (rebuild) are followed, not skipped`, async t => {
    const { store, readModels } = open()
    for (let i = 0; i < 3; i++) await tokenEvent(store)
    const count = counting()
    const runner = startProjections(store, readModels, [count])
    t.equal(await runner.waitFor(3), true)
    readModels.transaction(tx => {
      tx.clear(['count'], ['count'])
    })
    await tokenEvent(store)
    t.equal(await runner.waitFor(4), true)
    t.same(readModels.get('count', 'all'), { n: 4, positions: [1, 2, 3, 4] }, 'resubscribed from the rewound checkpoint')
    await runner.close()
    await store.close()
  })

  t.test(`${kind}: rebuild replays every event into the read models and equals the live ones`, async t => {
    const { store, readModels } = open()
    const projections = [planCatalogueProjection, counting()]
    const runner = startProjections(store, readModels, projections, { batchSize: 3 })
    await appendScript(store, samplePlan('p-a').s)
    await tokenEvent(store)
    const head = await appendScript(store, samplePlan('p-b').s)
    t.equal(await runner.waitFor(head), true)
    await runner.close()
    const live = dump(readModels, projections)

    const fresh = createMemoryReadModels()
    const progress: Array<[number, number]> = []
    await rebuildProjections(store, fresh, projections, (done, total) => progress.push([done, total]))
    t.same(dump(fresh, projections), live, 'a fresh rebuild equals the live models')
    t.same(progress[0], [0, head])
    t.same(progress[progress.length - 1], [head, head])

    readModels.put('plans', 'stale', { id: 'stale' })
    await rebuildProjections(store, readModels, projections)
    t.same(dump(readModels, projections), live, 'rebuilt in place: stale documents dropped, the rest identical')
    await store.close()
  })
}

function dump(rm: ReadModelStore, projections: Projection[]) {
  return {
    docs: projections.flatMap(p => p.collections).map(c => [c, rm.list(c)]),
    checkpoints: projections.map(p => [p.name, rm.checkpoint(p.name)]),
  }
}

t.test('sqlite: the checkpoint survives a reopen and nothing is applied twice after a restart', async t => {
  const path = tempDbPath()
  let { store, readModels } = openSqlite(path)
  let count = counting()
  let runner = startProjections(store, readModels, [planCatalogueProjection, count])
  const { s, b } = samplePlan('p-restart')
  let head = await appendScript(store, s)
  t.equal(await runner.waitFor(head), true)
  await runner.close()
  await store.close()

  ;({ store, readModels } = openSqlite(path))
  t.equal(readModels.checkpoint('count'), head, 'checkpoint durable')
  t.equal(readModels.checkpoint('planCatalogue'), head)
  count = counting()
  runner = startProjections(store, readModels, [planCatalogueProjection, count])
  t.equal(runner.position(), head, 'starts from the checkpoint')
  s.at('2017-09-01T00:00:00Z').as(commissioner).run({ type: 'UnassignOwner', actionId: b, owner: 'DM' })
  head = await appendScript(store, s)
  t.equal(await runner.waitFor(head), true)
  t.same(readModels.get<{ n: number; positions: number[] }>('count', 'all')?.positions, [1, 2, 3, 4, 5, 6, 7, 8], 'each event once across the restart')
  t.same(listPlans(readModels)[0].ownerLabels, ['Aspire'])
  t.equal(listPlans(readModels)[0].version, 8)
  await runner.close()
  await store.close()
})

t.test('sqlite: documents and checkpoint are in one transaction: a crash mid-batch leaves neither', async t => {
  const path = tempDbPath()
  const { store, readModels } = openSqlite(path)
  for (let i = 0; i < 4; i++) await tokenEvent(store)
  const count = counting()
  count.failOn = 4
  const runner = startProjections(store, readModels, [count], { retryDelayMs: 60_000, onError: () => undefined })
  await new Promise(r => setTimeout(r, 100))
  t.equal(runner.position(), 0, 'the batch holding the failing event was not committed')
  await runner.close()
  // What another connection (a restarted process) sees on disk:
  const db = new Database(path, { readonly: true })
  const rm = createSqliteReadModels(db)
  t.equal(rm.checkpoint('count'), 0)
  t.equal(rm.get('count', 'all'), undefined)
  db.close()
  await store.close()
})

t.test('the catalogue projection is idempotent by position on its own', async t => {
  const rm = createMemoryReadModels()
  const { s } = samplePlan('p-idem')
  const stored: StoredEvent[] = s.events.map(e => ({
    id: e.id, type: e.event.type, schemaVersion: 1, data: e.event.data as unknown as Record<string, unknown>, metadata: e.metadata,
    recordedAt: e.recordedAt, streamId: e.streamId, version: e.version, position: e.position, hash: '', prevHash: '',
  }))
  for (const e of stored) rm.transaction(tx => planCatalogueProjection.apply(e, tx))
  const once = rm.list('planStates')
  for (const e of stored) rm.transaction(tx => planCatalogueProjection.apply(e, tx))
  t.same(rm.list('planStates'), once, 'redelivered events change nothing')
  rm.transaction(tx => planCatalogueProjection.apply({ ...stored[0], streamId: 'tokens', type: 'TokenIssued' }, tx))
  t.same(rm.list('planStates'), once, 'other streams are ignored')
})

t.test('projection names must be unique', async t => {
  const { store, readModels } = openMemory()
  t.throws(() => startProjections(store, readModels, [counting('x'), counting('x')]), /two projections/)
  await t.rejects(rebuildProjections(store, readModels, [counting('x'), counting('x')]), /two projections/)
  await store.close()
})

/** Counts the reads of one collection's documents that reach the committed store (JSON.parse of stored text). */
function countReads(readModels: ReadModelStore, collection: string): () => number {
  const layer = readModels as unknown as { getDoc(c: string, k: string): unknown }
  const getDoc = layer.getDoc.bind(layer)
  let reads = 0
  layer.getDoc = (c: string, k: string) => {
    if (c === collection) reads++
    return getDoc(c, k)
  }
  return () => reads
}

/** The catalogue's entry and state for the plan are at its stream's version and equal the fold of it. */
async function catalogueIsFold(t: Pick<typeof tap, 'equal' | 'same'>, { store, readModels }: Opened, planId: string): Promise<void> {
  const entry = getCatalogueEntry(readModels, planId)!
  const stored = (await store.readStream(`plan-${planId}`)).map(fromStored)
  t.equal(entry.version, stored.length, 'the entry has every event')
  t.equal(entry.state.version, stored.length, 'and so has the state')
  t.same(entry.state, projectPlanState(stored, { asOf: stored[stored.length - 1].recordedAt, effectiveOn: '9999-12-31' }), 'what is stored equals the fold')
}

for (const [kind, open] of kinds) {
  t.test(`${kind}: given a plan growing one event per batch, then the catalogue keeps its state parsed and does not read it back per batch`, async t => {
    const opened = open()
    const { store, readModels } = opened
    const stateReads = countReads(readModels, 'planStates')
    const runner = startProjections(store, readModels, [planCatalogueProjection], { lingerMs: 0 })
    t.teardown(async () => {
      await runner.close()
      await store.close()
    })
    const { s, a } = samplePlan('p-kept')
    let head = await appendScript(store, s)
    t.equal(await runner.waitFor(head), true)
    const before = stateReads()
    for (let i = 1; i <= 30; i++) {
      s.at(`2017-08-${String(i).padStart(2, '0')}T09:00:00Z`).as(provider('Aspire')).run({ type: 'ReportProgress', actionId: a, effectiveDate: '2017-07-31', note: `report ${i}` })
      head = await appendScript(store, s)
      t.equal(await runner.waitFor(head), true)
    }
    t.equal(stateReads() - before, 0, 'thirty batches, no plan state read back')
    await catalogueIsFold(t, opened, 'p-kept')
  })

  t.test(`${kind}: given a batch rolled back after the catalogue changed its kept state, then the retry starts from the stored state`, async t => {
    const opened = open()
    const { store, readModels } = opened
    const count = counting()
    const runner = startProjections(store, readModels, [planCatalogueProjection, count], {
      lingerMs: 0,
      retryDelayMs: 10,
      onError: () => (count.failOn = undefined),
    })
    t.teardown(async () => {
      await runner.close()
      await store.close()
    })
    const { s, a } = samplePlan('p-rollback')
    let head = await appendScript(store, s)
    t.equal(await runner.waitFor(head), true)
    // The catalogue applies the next event first, then `count` fails the batch.
    count.failOn = head + 1
    s.at('2017-08-01T09:00:00Z').as(provider('Aspire')).run({ type: 'ReportProgress', actionId: a, effectiveDate: '2017-07-31', note: 'after the fault' })
    head = await appendScript(store, s)
    t.equal(await runner.waitFor(head), true)
    t.equal(count.failures, 1)
    await catalogueIsFold(t, opened, 'p-rollback')
  })
}
