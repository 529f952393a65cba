// Plan snapshots (readModels/planSnapshots.ts): as-of and effective-on reads fold from the
// nearest usable snapshot and give exactly what the fold of the whole stream gives; snapshots
// are taken every N events and at quarter ends, rebuilt like every read model; the cost of a
// read does not grow with the history before its snapshot (counted in events read, not timed).
import fc from 'fast-check'
import t from 'tap'
import { projectPlanState, type PlanState } from '../../src/projections/folds/planState.js'
import { createPlanCatalogueProjection, PLAN_STATES_COLLECTION } from '../../src/projections/readModels/planCatalogue.js'
import { foldFromSnapshot, nearestSnapshot, PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION, PLAN_SNAPSHOT_INDEX_COLLECTION, quarterOfInstant, snapshotIndexEntries, takeSnapshot, type SnapshotIndexEntry } from '../../src/projections/readModels/planSnapshots.js'
import { rebuildProjections, startProjections } from '../../src/projections/readModels/runner.js'
import type { RecordedPlanEvent } from '../../src/projections/recordedEvent.js'
import { createMemoryReadModels } from '../../src/projections/storage/memoryReadModels.js'
import { PlanScript } from './support/planScript.js'
import { RandomPlan, timedSteps } from './support/randomPlans.js'
import { appendInterleaved, appendScript, countingStore, openMemory, openSqlite } from './support/stores.js'

const effectiveOnArb = fc.oneof(
  fc.constant<string | null>(null),
  fc.integer({ min: Date.parse('2008-03-01T00:00:00Z'), max: Date.parse('2010-06-30T00:00:00Z') }).map(ms => new Date(ms).toISOString().slice(0, 10)),
)

function instantNear(events: RecordedPlanEvent[], pick: number, offset: number): string | null {
  if (pick < 0) return null
  return new Date(Date.parse(events[pick % events.length].recordedAt) + offset).toISOString()
}

function foldOfStream(events: RecordedPlanEvent[], asOf: string | null, effectiveOn: string) {
  const last = events[events.length - 1].recordedAt
  return projectPlanState(events, { asOf: asOf ?? last, effectiveOn })
}

for (const [kind, open, numRuns] of [['memory', openMemory, 40], ['sqlite', () => openSqlite(':memory:'), 12]] as const) {
  t.test(`${kind}: a read folded from the nearest snapshot equals the fold of the stream`, async t => {
    let checked = 0
    await fc.assert(
      fc.asyncProperty(
        timedSteps(60),
        timedSteps(30),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: -1, max: 200 }), fc.constantFrom(-1, 0, 1), effectiveOnArb), { minLength: 1, maxLength: 6 }),
        async (a, b, snapshotEvery, indexChunk, rebuilt, reads) => {
          const { store, readModels } = open()
          // Small index chunks, so that reads search chunks of the index as well as its head.
          const projection = createPlanCatalogueProjection({ snapshotEvery, indexChunk })
          try {
            // Two plans' appends interleaved, as real traffic comes.
            const one = new RandomPlan('p-one')
            const two = new RandomPlan('p-two', '2008-04-05T00:00:00.000Z')
            await appendInterleaved(store, [one, two], [a, b], 4)
            if (rebuilt) await rebuildProjections(store, readModels, [projection])
            else {
              const runner = startProjections(store, readModels, [projection], { batchSize: 7 })
              await runner.waitFor(await store.headPosition())
              await runner.close()
            }
            const events = one.script.events
            for (const [pick, offset, effective] of reads) {
              const asOf = instantNear(events, pick, offset)
              const effectiveOn = effective ?? (asOf ?? events[events.length - 1].recordedAt).slice(0, 10)
              const folded = await foldFromSnapshot(store, readModels, 'p-one', { asOf, effectiveOn })
              const expected = foldOfStream(events, asOf, effectiveOn)
              if (folded.state) {
                folded.state.asOf = asOf ?? events[events.length - 1].recordedAt
                folded.state.effectiveOn = effectiveOn
              }
              t.same(folded.state, expected, `as of ${asOf}, effective on ${effectiveOn}`)
              if (JSON.stringify(folded.state) !== JSON.stringify(expected)) return false
              checked++
            }
            return true
          } finally {
            await store.close()
          }
        },
      ),
      { numRuns },
    )
    t.ok(checked >= numRuns, `${checked} reads checked`)
  })
}


/** A plan of `updates` progress reports, one an hour from April 2008. */
function longPlan(planId: string, updates: number): PlanScript {
  const script = new PlanScript(planId, '2008-04-02T09:00:00.000Z').create()
  const grid = script.grid(1, 'Treatment')
  const objective = script.objective(grid, 'More in treatment', '1')
  const action = script.action(objective, { text: 'Open a clinic', owners: ['CNWL'] })
  for (let i = 0; i < updates; i++) {
    const at = new Date(Date.parse('2008-04-03T09:00:00.000Z') + i * 3_600_000).toISOString()
    script.at(at).run({ type: 'ReportProgress', actionId: action, effectiveDate: at.slice(0, 10), note: `Update ${i}` })
  }
  return script
}

t.test('an as-of read reads the events after its snapshot, not the history before it', async t => {
  const projection = createPlanCatalogueProjection({ snapshotEvery: 100 })
  const counts: number[] = []
  for (const updates of [1_000, 4_000]) {
    const { store, read } = countingStore()
    const readModels = createMemoryReadModels()
    const script = longPlan('p-long', updates)
    await appendScript(store, script)
    await rebuildProjections(store, readModels, [projection])
    const events = script.events
    const asOf = events[events.length - 3].recordedAt
    const before = read()
    const folded = await foldFromSnapshot(store, readModels, 'p-long', { asOf, effectiveOn: asOf.slice(0, 10) })
    counts.push(read() - before)
    t.equal(folded.state?.version, events.length - 2)
    t.ok(read() - before <= 100, `${updates} updates: ${read() - before} events read`)
    await store.close()
  }
  t.equal(counts[0], counts[1], 'the same count at 1,000 and 4,000 events of history')
})

t.test('snapshots at every quarter end and every N events; an effective-on read before later progress uses an earlier one', async t => {
  const { store, readModels } = openMemory()
  t.teardown(() => store.close())
  // 3,000 hourly updates from April 2008: about four months, so quarter ends at June and September.
  const script = longPlan('p-q', 3_000)
  await appendScript(store, script)
  await rebuildProjections(store, readModels, [createPlanCatalogueProjection({ snapshotEvery: 1_000 })])
  const index = snapshotIndexEntries(readModels, 'p-q')
  const versions = index.map(([version]) => version)
  for (const v of [1_000, 2_000, 3_000]) t.ok(versions.includes(v), `every 1,000 events: ${v}`)
  const events = script.events
  const quarterEnds = events.filter((e, i) => i + 1 < events.length && quarterOfInstant(e.recordedAt) !== quarterOfInstant(events[i + 1].recordedAt)).map(e => e.version)
  t.ok(quarterEnds.length >= 1)
  for (const v of quarterEnds) t.ok(versions.includes(v), `the last event before a quarter's end: ${v}`)
  // Effective on 30 June, as recorded now: only snapshots whose progress is all effective by then serve.
  const folded = await foldFromSnapshot(store, readModels, 'p-q', { asOf: null, effectiveOn: '2008-06-30' })
  folded.state!.asOf = events[events.length - 1].recordedAt
  folded.state!.effectiveOn = '2008-06-30'
  t.same(folded.state, projectPlanState(events, { asOf: events[events.length - 1].recordedAt, effectiveOn: '2008-06-30' }))
})

/** Read models that count the snapshot index entries handed out (head and chunks). */
function countingIndexReads(): { readModels: ReturnType<typeof createMemoryReadModels>; entriesRead: () => number } {
  const inner = createMemoryReadModels()
  let entries = 0
  const readModels = Object.create(inner) as typeof inner
  readModels.get = <T,>(collection: string, key: string): T | undefined => {
    const doc = inner.get<T>(collection, key)
    if (collection === PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION && Array.isArray(doc)) entries += doc.length
    if (collection === PLAN_SNAPSHOT_INDEX_COLLECTION && doc) entries += (doc as unknown as { recent: unknown[] }).recent.length
    return doc
  }
  return { readModels, entriesRead: () => entries }
}

t.test('finding a snapshot reads the index head and a binary search of its chunks, not the whole index', async t => {
  const projection = createPlanCatalogueProjection({ snapshotEvery: 10, indexChunk: 8 })
  const atEnd: number[] = []
  const inMiddle: number[] = []
  const chunkCounts: number[] = []
  for (const updates of [1_000, 4_000]) {
    const { store } = openMemory()
    const { readModels, entriesRead } = countingIndexReads()
    const script = longPlan('p-long', updates)
    await appendScript(store, script)
    await rebuildProjections(store, readModels, [projection])
    t.ok(snapshotIndexEntries(readModels, 'p-long').length >= updates / 10, 'a snapshot every 10 events')
    chunkCounts.push(readModels.get<{ chunks: number }>(PLAN_SNAPSHOT_INDEX_COLLECTION, 'p-long')!.chunks)
    const events = script.events
    for (const [at, counts] of [[events.length - 1, atEnd], [Math.floor(events.length / 3), inMiddle]] as const) {
      const asOf = events[at].recordedAt
      const before = entriesRead()
      const snapshot = nearestSnapshot(readModels, 'p-long', asOf, asOf.slice(0, 10))
      counts.push(entriesRead() - before)
      t.ok(snapshot && snapshot.version <= at + 1 && snapshot.version > at + 1 - 10, `the nearest snapshot before event ${at + 1}: ${snapshot?.version}`)
    }
    await store.close()
  }
  // The head holds from one chunk's worth to twice that, however long the index.
  for (const n of atEnd) t.ok(n < 2 * 8, `as of the end: the head only (${n} entries read)`)
  // In the middle: the head, one chunk per step of a binary search, the chunk found.
  for (const [i, n] of inMiddle.entries()) t.ok(n <= 2 * 8 + 8 * (Math.ceil(Math.log2(chunkCounts[i])) + 1), `in the middle: ${n} entries read of ${chunkCounts[i]} chunks`)
  t.ok(inMiddle[1] < 100, 'in the middle: a few chunks, not the 400 entries')
})

t.test('an index written before chunking (one array) is read, and chunked at the next snapshot', async t => {
  const { store, readModels } = openMemory()
  t.teardown(() => store.close())
  const script = longPlan('p-old', 300)
  await appendScript(store, script)
  await rebuildProjections(store, readModels, [createPlanCatalogueProjection({ snapshotEvery: 10, indexChunk: 4 })])
  const entries = snapshotIndexEntries(readModels, 'p-old')
  // The index as an older version stored it: every entry in one array, no chunks.
  readModels.clear([PLAN_SNAPSHOT_INDEX_CHUNKS_COLLECTION])
  readModels.put(PLAN_SNAPSHOT_INDEX_COLLECTION, 'p-old', entries)
  const asOf = script.events[154].recordedAt
  t.equal(nearestSnapshot(readModels, 'p-old', asOf, asOf.slice(0, 10))?.version, 150, 'found in the old array')
  const state = readModels.get<PlanState>(PLAN_STATES_COLLECTION, 'p-old')!
  readModels.transaction(tx => takeSnapshot(tx, 'p-old', { ...state, version: 310, asOf: '2009-01-01T00:00:00.000Z' }, null, 4))
  const head = readModels.get<{ chunks: number; recent: SnapshotIndexEntry[] }>(PLAN_SNAPSHOT_INDEX_COLLECTION, 'p-old')!
  t.ok(!Array.isArray(head) && head.chunks > 0 && head.recent.length < 8, `chunked: ${head.chunks} chunks and ${head.recent.length} entries in the head`)
  t.same(snapshotIndexEntries(readModels, 'p-old'), [...entries, [310, '2009-01-01T00:00:00.000Z', null]], 'no entry lost or moved')
  t.equal(nearestSnapshot(readModels, 'p-old', asOf, asOf.slice(0, 10))?.version, 150, 'still found')
})
