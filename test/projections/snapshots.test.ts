// Plan snapshots (readModels/planSnapshots.ts): as-of and effective-on reads fold from the
// nearest usable snapshot and give exactly what the fold of the whole stream gives; snapshots
// are taken every N events and at quarter ends, rebuilt like every read model; the cost of a
// read does not grow with the history before its snapshot (counted in events read, not timed).
import fc from 'fast-check'
import t from 'tap'
import { projectPlanState } from '../../src/projections/folds/planState.js'
import { createPlanCatalogueProjection } from '../../src/projections/readModels/planCatalogue.js'
import { foldFromSnapshot, PLAN_SNAPSHOT_INDEX_COLLECTION, quarterOfInstant, type SnapshotIndexEntry } from '../../src/projections/readModels/planSnapshots.js'
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
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: -1, max: 200 }), fc.constantFrom(-1, 0, 1), effectiveOnArb), { minLength: 1, maxLength: 6 }),
        async (a, b, snapshotEvery, rebuilt, reads) => {
          const { store, readModels } = open()
          const projection = createPlanCatalogueProjection({ snapshotEvery })
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
  const index = readModels.get<SnapshotIndexEntry[]>(PLAN_SNAPSHOT_INDEX_COLLECTION, 'p-q')!
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
