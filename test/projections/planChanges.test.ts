// The changes between two instants: a pure function of two folded plan states.
//   - property: applying the changes to the items at `from` gives the items at `to`, for random
//     histories and random instants (either order) and effective dates;
//   - a worked example naming each kind of change.
import fc from 'fast-check'
import t from 'tap'
import { applyPlanChanges, planChanges, planItems } from '../../src/projections/folds/planChanges.js'
import { projectPlanState } from '../../src/projections/folds/planState.js'
import type { RecordedPlanEvent } from '../../src/projections/recordedEvent.js'
import { PlanScript } from './support/planScript.js'
import { RandomPlan, timedSteps } from './support/randomPlans.js'

function instantNear(events: RecordedPlanEvent[], pick: number, offset: number): string {
  if (pick < 0) return '2008-03-31T00:00:00.000Z'
  return new Date(Date.parse(events[pick % events.length].recordedAt) + offset).toISOString()
}

const keyed = (items: ReturnType<typeof planItems>) => new Map(items.map(i => [`${i.kind}:${i.id}`, i]))

t.test('applying the changes to the plan at `from` gives the plan at `to`', async t => {
  let nonEmpty = 0
  fc.assert(
    fc.property(
      timedSteps(60),
      fc.integer({ min: -1, max: 200 }),
      fc.integer({ min: -1, max: 200 }),
      fc.constantFrom(-1, 0, 1),
      fc.oneof(fc.constant(undefined), fc.constant('9999-12-31'), fc.constantFrom('2008-05-01', '2008-06-30', '2008-09-30')),
      (steps, a, b, offset, effectiveOn) => {
        const plan = new RandomPlan('p-changes')
        for (const step of steps) plan.apply(step)
        const events = plan.script.events
        const from = instantNear(events, a, offset)
        const to = instantNear(events, b, 0)
        const at = (asOf: string) => projectPlanState(events, { asOf, effectiveOn: effectiveOn ?? asOf.slice(0, 10) })
        const before = at(from)
        const after = at(to)
        const changes = planChanges(before, after, { from, to })
        if (changes.added.length + changes.withdrawn.length + changes.changed.length > 0) nonEmpty++
        const applied = applyPlanChanges(planItems(before), changes)
        t.same(applied, keyed(planItems(after)))
        // And nothing is reported that did not change.
        for (const change of changes.changed) t.notSame(change.before, change.after)
        return true
      },
    ),
    { numRuns: 300 },
  )
  t.ok(nonEmpty > 150, `most runs compare plans that differ (${nonEmpty} of 300)`)
})

t.test('a worked example: added, withdrawn, and each field before and after', async t => {
  const s = new PlanScript('p-ex', '2008-04-02T09:00:00.000Z').create('Ealing DAAT', '2008/09')
  const grid = s.grid(1, 'Harm reduction')
  const objective = s.objective(grid, 'Reduce deaths', '1', ['Fewer deaths'])
  const kept = s.action(objective, { text: 'Train staff', number: '1.1', due: 'Qtr 2', owners: ['CNWL'], cost: '20K' })
  const dropped = s.action(objective, { text: 'Leaflets', number: '1.2', due: 'Qtr 1', owners: ['DM'], cost: '' })
  const q1 = s.clock()
  s.at('2008-07-10T10:00:00.000Z')
  s.run({ type: 'ReviseAction', actionId: kept, text: 'Train staff in naloxone', due: 'Qtr 3', cost: '£4,400' })
  s.run({ type: 'AssignOwner', actionId: kept, owner: 'DM' })
  s.run({ type: 'SetRag', actionId: kept, rag: 'amber', effectiveDate: '2008-06-30', reason: 'Venue' })
  s.run({ type: 'ReportProgress', actionId: kept, effectiveDate: '2008-06-30', note: '12 trained', status: 'in_progress', percentComplete: 40 })
  s.run({ type: 'WithdrawAction', actionId: dropped, reason: 'done elsewhere' })
  const added = s.action(objective, { text: 'Outreach', number: '1.3', due: 'Qtr 4', owners: ['ICM'], cost: '' })
  const q2 = s.clock()
  const state = (asOf: string) => projectPlanState(s.events, { asOf, effectiveOn: '2008-09-30' })
  const changes = planChanges(state(q1), state(q2), { from: q1, to: q2 })
  t.same(changes.added.map(i => [i.kind, i.id]), [['action', added]])
  t.same(changes.withdrawn.map(i => [i.kind, i.id, i.kind === 'action' && i.text]), [['action', dropped, 'Leaflets']])
  const byField = Object.fromEntries(changes.changed.map(c => [c.field, [c.before, c.after]]))
  t.same(Object.keys(byField).sort(), ['cost', 'due', 'owners', 'progress', 'rag', 'text'])
  t.same(byField.text, ['Train staff', 'Train staff in naloxone'])
  t.same(byField.owners, [['CNWL'], ['CNWL', 'DM']])
  t.same(byField.rag, [null, 'amber'])
  t.match(byField.due, [{ text: 'Qtr 2', from: '2008-07-01' }, { text: 'Qtr 3', from: '2008-10-01' }])
  t.match(byField.cost, [{ text: '20K', pence: 2_000_000 }, { text: '£4,400', pence: 440_000 }])
  t.match(byField.progress, [null, { note: '12 trained', percentComplete: 40 }])
  t.ok(changes.changed.every(c => c.kind === 'action' && c.id === kept))

  // Reversed, the same differences point the other way.
  const back = planChanges(state(q2), state(q1), { from: q2, to: q1 })
  t.same(back.added.map(i => i.id), [dropped])
  t.same(back.withdrawn.map(i => i.id), [added])
  // Before the plan existed: everything is added.
  const fromNothing = planChanges(null, state(q1), { from: '2008-01-01T00:00:00.000Z', to: q1 })
  t.same(fromNothing.added.map(i => i.kind), ['grid', 'objective', 'action', 'action'])
})
