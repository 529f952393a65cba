// Prepared current-state answers (projections/prepared/currentReads.ts) are exactly what a fold
// gives: for random plan histories, read at random effective dates while the history grows
// (so cursors start from the catalogue's state, from the stream's start, and advance by the new
// events), the prepared bytes are JSON.stringify of the fold, UTF-8, byte for byte, for the
// plan state and for every quarterly report.
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { projectPlanState } from '../../src/projections/folds/planState.js'
import { quarterlyReport } from '../../src/projections/folds/quarterlyReport.js'
import { withSuggestedRags } from '../../src/projections/folds/suggestedRags.js'
import { CurrentReads } from '../../src/projections/prepared/currentReads.js'
import { planCatalogueProjection } from '../../src/projections/readModels/planCatalogue.js'
import { startProjections } from '../../src/projections/readModels/runner.js'
import type { RecordedPlanEvent } from '../../src/projections/recordedEvent.js'
import type { QuarterNumber } from '../../src/domain/values/financialYear.js'
import { RandomPlan, timedSteps } from './support/randomPlans.js'
import { appendScript, countingStore, openMemory, openSqlite } from './support/stores.js'
import { PlanScript } from './support/planScript.js'
import { createMemoryReadModels } from '../../src/projections/storage/memoryReadModels.js'

// Read dates before, inside and after the plan's year, so some events are effective after them.
const readDate = fc.integer({ min: Date.parse('2008-03-01T00:00:00Z'), max: Date.parse('2010-03-01T00:00:00Z') }).map(ms => new Date(ms).toISOString().slice(0, 10))

/** The prepared bytes are the UTF-8 encoding of exactly that text. */
function sameBytes(bytes: Buffer, text: string): boolean {
  return bytes.equals(Buffer.from(text, 'utf8'))
}

function latest(events: RecordedPlanEvent[]): string {
  return events[events.length - 1].recordedAt
}

async function check(t: Test, reads: CurrentReads, planId: string, events: RecordedPlanEvent[], dates: string[], quarters: QuarterNumber[]): Promise<boolean> {
  const asOf = latest(events)
  for (const effectiveOn of dates) {
    const answer = await reads.plan(planId, effectiveOn)
    // Suggestions for the answer's date (a current read's asOf falls on it).
    const expected = JSON.stringify(withSuggestedRags(projectPlanState(events, { asOf, effectiveOn })!, effectiveOn))
    if (!answer || !sameBytes(answer.bytes(asOf), expected)) {
      t.equal(answer?.json(asOf), expected, `plan state effective on ${effectiveOn}`)
      return false
    }
    if (answer.version !== events.length || answer.lastRecordedAt !== asOf) return false
  }
  for (const quarter of quarters) {
    const answer = await reads.report(planId, quarter)
    const expected = JSON.stringify(quarterlyReport(events, { quarter, asOf }))
    if (!answer || !sameBytes(answer.bytes(asOf), expected)) {
      t.equal(answer?.json(asOf), expected, `report of quarter ${quarter}`)
      return false
    }
  }
  return true
}

for (const [kind, open, numRuns] of [['memory', openMemory, 60], ['sqlite', () => openSqlite(':memory:'), 20]] as const) {
  t.test(`${kind}: prepared answers equal the fold as the history grows`, async t => {
    let runs = 0
    await fc.assert(
      fc.asyncProperty(
        timedSteps(40),
        timedSteps(40),
        fc.array(readDate, { minLength: 1, maxLength: 3 }),
        fc.subarray([1, 2, 3, 4] as QuarterNumber[]),
        fc.boolean(),
        async (first, second, dates, quarters, withCatalogue) => {
          const { store, readModels } = open()
          // With the catalogue kept live, new cursors may start from its stored state.
          const runner = withCatalogue ? startProjections(store, readModels, [planCatalogueProjection], { lingerMs: 0 }) : null
          try {
            const plan = new RandomPlan('p-current')
            const reads = new CurrentReads(store, readModels)
            for (const step of first) plan.apply(step)
            await appendScript(store, plan.script)
            if (runner) await runner.waitFor(await store.headPosition())
            if (!(await check(t, reads, 'p-current', plan.script.events, dates, quarters))) return false
            for (const step of second) plan.apply(step)
            await appendScript(store, plan.script)
            if (runner) await runner.waitFor(await store.headPosition())
            // The same cursors advance; a fresh reader starts from the catalogue or the stream.
            if (!(await check(t, reads, 'p-current', plan.script.events, dates, quarters))) return false
            runs++
            return await check(t, new CurrentReads(store, readModels), 'p-current', plan.script.events, dates, quarters)
          } finally {
            await runner?.close()
            await store.close()
          }
        },
      ),
      { numRuns },
    )
    t.ok(runs >= numRuns, `${runs} random histories checked`)
  })
}

t.test('a plan that does not exist has no answer; concurrent reads apply each event once', async t => {
  const { store, readModels } = openMemory()
  t.teardown(() => store.close())
  const reads = new CurrentReads(store, readModels)
  t.equal(await reads.plan('p-none', '2008-09-01'), null)
  t.equal(await reads.report('p-none', 1), null)
  const plan = new RandomPlan('p-busy')
  for (let i = 0; i < 30; i++) plan.apply({ dt: 1000, step: { kind: 'progress', action: i, daysBack: 0, status: 'in_progress', byProvider: false } })
  await appendScript(store, plan.script)
  const asOf = latest(plan.script.events)
  const answers = await Promise.all(Array.from({ length: 8 }, () => reads.plan('p-busy', '2009-01-01')))
  const expected = JSON.stringify(withSuggestedRags(projectPlanState(plan.script.events, { asOf, effectiveOn: '2009-01-01' })!, '2009-01-01'))
  for (const answer of answers) t.equal(answer?.json(asOf), expected)
})

/** A plan of `updates` progress reports, one an hour from April 2008. */
function progressPlan(planId: string, updates: number): { script: PlanScript; report(i: number): void } {
  const script = new PlanScript(planId, '2008-04-02T09:00:00.000Z').create()
  const grid = script.grid(1, 'Treatment')
  const objective = script.objective(grid, 'More in treatment', '1')
  const action = script.action(objective, { text: 'Open a clinic', owners: ['CNWL'] })
  const report = (i: number) => {
    const at = new Date(Date.parse('2008-04-03T09:00:00.000Z') + i * 3_600_000).toISOString()
    script.at(at).run({ type: 'ReportProgress', actionId: action, effectiveDate: at.slice(0, 10), note: `Update ${i}` })
  }
  for (let i = 0; i < updates; i++) report(i)
  return { script, report }
}

t.test('a current read reads only the events after its answer, whatever the history before it', async t => {
  const counts: Array<{ first: number; again: number; after: number }> = []
  for (const updates of [1_000, 4_000]) {
    const { store, read } = countingStore()
    const readModels = createMemoryReadModels()
    const { script, report } = progressPlan('p-long', updates)
    await appendScript(store, script)
    const runner = startProjections(store, readModels, [planCatalogueProjection])
    await runner.waitFor(await store.headPosition())
    const reads = new CurrentReads(store, readModels)
    const today = '2009-06-01'
    const measure = async () => {
      const before = read()
      const answer = await reads.plan('p-long', today)
      return { events: read() - before, version: answer?.version }
    }
    const first = await measure()
    const again = await measure()
    for (let i = updates; i < updates + 10; i++) report(i)
    await appendScript(store, script)
    const after = await measure()
    t.equal(after.version, script.events.length, 'the answer shows the new events')
    counts.push({ first: first.events, again: again.events, after: after.events })
    await runner.close()
    await store.close()
  }
  t.same(counts[0], counts[1], `the same events read at 1,000 and 4,000 events of history: ${JSON.stringify(counts)}`)
  t.same(counts[1], { first: 0, again: 0, after: 10 }, 'from the catalogue: nothing; again: nothing; after 10 more: those 10')
})
