// Properties over random command sequences (decided by the real decider) with random,
// non-decreasing recorded times:
//   1. the state as of t equals the fold of the events recorded up to t, and agrees with a
//      plain reference model of the temporal rules (latest effective progress and RAG, ties to
//      the later recording; proposals until a later RAG set; withdrawn actions gone);
//   2. the catalogue's incremental state (stored and reloaded after every event) equals the fold;
//   3. with the runner live while events are appended, a rebuild into fresh read models equals
//      the live read models.
import fc from 'fast-check'
import t from 'tap'
import { sameOwner } from '../../src/domain/values/owners.js'
import { getCatalogueEntry, planCatalogueProjection } from '../../src/projections/readModels/planCatalogue.js'
import { actionsInOrder, projectPlanState, type PlanState } from '../../src/projections/folds/planState.js'
import { createMemoryReadModels } from '../../src/projections/storage/memoryReadModels.js'
import type { ReadModelStore } from '../../src/projections/storage/readModelStore.js'
import type { RecordedPlanEvent } from '../../src/projections/recordedEvent.js'
import { rebuildProjections, startProjections, type Projection } from '../../src/projections/readModels/runner.js'
import type { StoredEvent } from '../../src/store/eventStore.js'
import { RandomPlan, timedSteps, type TimedStep } from './support/randomPlans.js'
import { appendInterleaved, openMemory, openSqlite } from './support/stores.js'
import { toNewEvent } from './support/planScript.js'

function build(steps: TimedStep[], planId = 'p-prop'): RecordedPlanEvent[] {
  const plan = new RandomPlan(planId)
  for (const step of steps) plan.apply(step)
  return plan.script.events
}

const effectiveOnArb = fc.oneof(
  fc.constant('9999-12-31'),
  fc.integer({ min: Date.parse('2008-02-01T00:00:00Z'), max: Date.parse('2009-12-31T00:00:00Z') }).map(ms => new Date(ms).toISOString().slice(0, 10)),
)

/** An instant near one of the recordings (just before, at, just after) or before them all. */
function instantNear(events: RecordedPlanEvent[], pick: number, offset: number): string {
  if (pick < 0) return '2008-03-31T00:00:00.000Z'
  const base = Date.parse(events[pick % events.length].recordedAt)
  return new Date(base + offset).toISOString()
}

interface ReferenceAction {
  owners: string[]
  progressNote: string | null
  progressEffective: string | null
  rag: string | null
  proposed: string | null
}

/** The temporal rules written the obvious way (filter, then pick), independent of the fold. */
function reference(events: RecordedPlanEvent[], asOf: string, effectiveOn: string): { version: number; actions: Map<string, ReferenceAction> } | null {
  const counted = events.filter(e => Date.parse(e.recordedAt) <= Date.parse(asOf))
  if (!counted.some(e => e.event.type === 'PlanCreated')) return null
  const effective = counted.filter(e => {
    const d = (e.event.data as { effectiveDate?: string }).effectiveDate
    return d === undefined || d <= effectiveOn
  })
  const actions = new Map<string, ReferenceAction>()
  const ofAction = (id: string) => effective.filter(e => (e.event.data as { actionId?: string }).actionId === id)
  const latestEffective = (list: RecordedPlanEvent[]) =>
    list.reduce<RecordedPlanEvent | null>((best, e) => {
      const d = (e.event.data as { effectiveDate: string }).effectiveDate
      return !best || d > (best.event.data as { effectiveDate: string }).effectiveDate || (d === (best.event.data as { effectiveDate: string }).effectiveDate && e.version > best.version) ? e : best
    }, null)
  for (const e of counted) {
    if (e.event.type !== 'ActionAdded') continue
    const id = e.event.data.actionId
    const mine = ofAction(id)
    if (mine.some(x => x.event.type === 'ActionWithdrawn')) continue
    let owners = [...e.event.data.owners]
    for (const x of mine) {
      if (x.event.type === 'OwnerAssigned') owners.push(x.event.data.owner)
      if (x.event.type === 'OwnerUnassigned') {
        const gone = x.event.data.owner
        owners = owners.filter(o => !sameOwner(o, gone))
      }
    }
    const progress = latestEffective(mine.filter(x => x.event.type === 'ProgressReported'))
    const rag = latestEffective(mine.filter(x => x.event.type === 'RagSet'))
    const lastSet = Math.max(0, ...mine.filter(x => x.event.type === 'RagSet').map(x => x.version))
    const proposals = mine.filter(x => x.event.type === 'RagProposed' && x.version > lastSet)
    const proposal = proposals[proposals.length - 1]
    actions.set(id, {
      owners,
      progressNote: progress ? (progress.event.data as { note: string }).note : null,
      progressEffective: progress ? (progress.event.data as { effectiveDate: string }).effectiveDate : null,
      rag: rag ? (rag.event.data as { rag: string }).rag : null,
      proposed: proposal ? (proposal.event.data as { rag: string }).rag : null,
    })
  }
  return { version: Math.max(...counted.map(e => e.version)), actions }
}

function summarise(state: PlanState): { version: number; actions: Map<string, ReferenceAction> } {
  const actions = new Map<string, ReferenceAction>()
  for (const { action } of actionsInOrder(state)) {
    actions.set(action.id, {
      owners: action.owners,
      progressNote: action.progress?.note ?? null,
      progressEffective: action.progress?.effectiveDate ?? null,
      rag: action.rag,
      proposed: action.proposedRag?.rag ?? null,
    })
  }
  return { version: state.version, actions }
}

t.test('state as of t equals the fold of the events recorded up to t, and the reference rules', async t => {
  fc.assert(
    fc.property(timedSteps(60), fc.integer({ min: -1, max: 200 }), fc.constantFrom(-1, 0, 1), effectiveOnArb, (steps, pick, offset, effectiveOn) => {
      const events = build(steps)
      const asOf = instantNear(events, pick, offset)
      const whole = projectPlanState(events, { asOf, effectiveOn })
      const prefix = projectPlanState(events.filter(e => Date.parse(e.recordedAt) <= Date.parse(asOf)), { asOf, effectiveOn })
      t.same(whole, prefix)
      const expected = reference(events, asOf, effectiveOn)
      if (!expected) return whole === null
      if (!whole) return false
      const actual = summarise(whole)
      t.same(actual, expected)
      return actual.version === expected.version
    }),
    { numRuns: 400 },
  )
})

t.test('the catalogue state, stored and reloaded after every event, equals the fold', async t => {
  fc.assert(
    fc.property(timedSteps(50), steps => {
      const events = build(steps, 'p-cat')
      const rm = createMemoryReadModels()
      for (const e of events) rm.transaction(tx => planCatalogueProjection.apply(asStored(e), tx))
      const last = events[events.length - 1]
      const expected = projectPlanState(events, { asOf: last.recordedAt, effectiveOn: '9999-12-31' })
      t.same(getCatalogueEntry(rm, 'p-cat')?.state, expected)
      return true
    }),
    { numRuns: 150 },
  )
})

function asStored(e: RecordedPlanEvent): StoredEvent {
  return { ...toNewEvent(e), streamId: e.streamId, version: e.version, position: e.position, hash: '', prevHash: '' }
}

function dump(rm: ReadModelStore, projections: Projection[]) {
  return {
    docs: projections.flatMap(p => p.collections).map(c => [c, rm.list(c)]),
    checkpoints: projections.map(p => [p.name, rm.checkpoint(p.name)]),
  }
}

for (const [kind, open, numRuns] of [['memory', openMemory, 40], ['sqlite', () => openSqlite(':memory:'), 15]] as const) {
  t.test(`${kind}: rebuild equals live after random appends with the runner live`, async t => {
    await fc.assert(
      fc.asyncProperty(timedSteps(30), timedSteps(30), fc.integer({ min: 1, max: 50 }), fc.array(fc.nat({ max: 3 }), { maxLength: 8 }), async (a, b, batchSize, pauses) => {
        const { store, readModels } = open()
        const projections = [planCatalogueProjection]
        const runner = startProjections(store, readModels, projections, { batchSize })
        try {
          const one = new RandomPlan('p-one')
          const two = new RandomPlan('p-two', '2008-04-05T00:00:00.000Z')
          // Interleave the two plans' appends, sometimes letting the runner catch up in between.
          await appendInterleaved(store, [one, two], [a, b], 5, async i => {
            if (pauses.includes(i % 4)) await new Promise(r => setImmediate(r))
          })
          const head = await store.headPosition()
          t.equal(await runner.waitFor(head, 10_000), true)
          const live = dump(readModels, projections)
          const fresh = createMemoryReadModels()
          await rebuildProjections(store, fresh, projections)
          t.same(dump(fresh, projections), live)
          for (const plan of [one, two]) {
            const events = plan.script.events
            const expected = projectPlanState(events, { asOf: events[events.length - 1].recordedAt, effectiveOn: '9999-12-31' })
            t.same(getCatalogueEntry(readModels, plan.script.planId)?.state, expected)
          }
          return true
        } finally {
          await runner.close()
          await store.close()
        }
      }),
      { numRuns },
    )
  })
}
